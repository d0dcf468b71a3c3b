"""The indicator catalogue: framework editions and everything an edition contains."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators import formula as formula_lib
from indicators.choices import (
    Category,
    CitySize,
    Coastal,
    Confidence,
    Direction,
    EcoZone,
    EditionStatus,
    Operator,
    RegionLevel,
    RuleKind,
    RuleSpan,
    Scope,
    Terrain,
    ValueKind,
)


class FrameworkEdition(models.Model):
    """One edition of an indicator framework (e.g. the Jiangsu county-level list of 2019)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    issuing_document = models.CharField(_("issuing document"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    reconstruction = models.BooleanField(
        _("reconstruction"),
        default=False,
        help_text=_(
            "Rows reconstructed from secondary sources, to verify against the official text."
        ),
    )
    note = models.TextField(_("note"), blank=True)
    window_years = models.PositiveSmallIntegerField(
        _("window years"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Data years counted back from the assessment year."),
    )
    all_binding_required = models.BooleanField(_("all binding indicators required"), default=True)
    reference_ratio_required = models.DecimalField(
        _("reference ratio required"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.800"),
        help_text=_("Share of applicable reference indicators that must be met (0–1)."),
    )
    veto_in_window = models.BooleanField(
        _("veto events in the window fail the region"), default=True
    )
    source_file = models.CharField(_("source file"), max_length=300, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True, editable=False)
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("framework edition")
        verbose_name_plural = _("framework editions")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference_ratio_required__gte=0) & Q(reference_ratio_required__lte=1),
                name="edition_reference_ratio_0_1",
                violation_error_message=_("The reference ratio must lie between 0 and 1."),
            ),
            models.CheckConstraint(
                condition=Q(window_years__gte=1),
                name="edition_window_years_positive",
                violation_error_message=_("The window must span at least one year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def window(self, assessment_year: int) -> list[int]:
        """The data years an assessment of ``assessment_year`` looks at, oldest first."""
        return list(range(assessment_year - self.window_years + 1, assessment_year + 1))

    def is_in_use(self) -> bool:
        """True when assessments were computed with this edition: it must not change."""
        from django.apps import apps

        try:
            snapshot = apps.get_model("assessments", "AssessmentSnapshot")
        except LookupError:
            return False
        return snapshot.objects.filter(edition=self).exists()


class Domain(models.Model):
    """A domain (领域) of an edition, such as 生态制度."""

    edition = models.ForeignKey(
        FrameworkEdition,
        on_delete=models.CASCADE,
        related_name="domains",
        verbose_name=_("edition"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["edition", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code"],
                name="domain_unique_code_per_edition",
                violation_error_message=_("This edition already has a domain with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """A task (任务) within a domain, such as 一 目标责任体系与制度建设."""

    edition = models.ForeignKey(
        FrameworkEdition, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("edition")
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("domain")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["edition", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code"],
                name="task_unique_code_per_edition",
                violation_error_message=_("This edition already has a task with this code."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DataElement(models.Model):
    """What is measured (e.g. the straw utilisation rate): values are stored against it, so
    that a value entered once counts under every edition that uses the element."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    value_kind = models.CharField(_("value kind"), max_length=12, choices=ValueKind.choices)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.NONE
    )
    decimals = models.PositiveSmallIntegerField(
        _("decimals"), default=1, validators=[MaxValueValidator(6)]
    )
    plausible_min = models.DecimalField(
        _("plausible minimum"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    plausible_max = models.DecimalField(
        _("plausible maximum"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    plausibility_band = models.DecimalField(
        _("plausibility band"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("0.300"),
        help_text=_(
            "A change larger than this share of the previous year's value needs a comment."
        ),
    )

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plausible_min__isnull=True)
                | Q(plausible_max__isnull=True)
                | Q(plausible_min__lte=models.F("plausible_max")),
                name="data_element_min_not_above_max",
                violation_error_message=_("The plausible minimum is above the maximum."),
            ),
            models.CheckConstraint(
                condition=Q(plausibility_band__gt=0),
                name="data_element_band_positive",
                violation_error_message=_("The plausibility band must be positive."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.key}]"

    @property
    def is_boolean(self) -> bool:
        return self.value_kind == ValueKind.BOOLEAN


class Indicator(models.Model):
    """An indicator or sub-indicator of an edition; leaves carry a data element and criteria."""

    edition = models.ForeignKey(
        FrameworkEdition,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("edition"),
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("task")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent indicator"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    category = models.CharField(_("type"), max_length=10, choices=Category.choices)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.BOTH)
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.RECONSTRUCTED
    )
    data_element = models.ForeignKey(
        DataElement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("data element"),
    )
    definition = models.TextField(_("definition"), blank=True)
    calculation_method = models.TextField(_("calculation method"), blank=True)
    data_source = models.TextField(_("data source"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    # A computed indicator (data/frameworks/SCHEMA.md): its value is never entered but
    # calculated each year from the values of its input data elements. ``data_element`` is then
    # its first input (what a clerk enters); the fields below describe the computed value.
    formula = models.TextField(
        _("formula"),
        blank=True,
        help_text=_(
            "Computed indicators only: arithmetic over data element keys, "
            "e.g. (base(a) - a) / base(a) * 100."
        ),
    )
    inputs = models.ManyToManyField(
        DataElement,
        blank=True,
        related_name="computed_indicators",
        verbose_name=_("input data elements"),
    )
    base_year = models.PositiveSmallIntegerField(
        _("base year"),
        null=True,
        blank=True,
        help_text=_("The year base(…) reads in the formula; blank: the first year of the window."),
    )
    value_kind = models.CharField(
        _("value kind"), max_length=12, choices=ValueKind.choices, blank=True
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, blank=True
    )
    decimals = models.PositiveSmallIntegerField(
        _("decimals"), null=True, blank=True, validators=[MaxValueValidator(6)]
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["edition", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code"],
                name="indicator_unique_code_per_edition",
                violation_error_message=_("This edition already has an indicator with this code."),
            ),
            models.UniqueConstraint(
                fields=["edition", "data_element"],
                name="indicator_data_element_once_per_edition",
                violation_error_message=_("This data element is already used in this edition."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self) -> bool:
        return self.data_element_id is not None

    def clean(self) -> None:
        super().clean()
        if self.formula:
            problems = formula_lib.check(self.formula)
            if problems:
                raise ValidationError({"formula": "; ".join(problems)})
            if not self.value_kind:
                raise ValidationError(
                    {"value_kind": _("A computed indicator needs the kind of its value.")}
                )

    @property
    def is_computed(self) -> bool:
        return bool(self.formula)

    @property
    def shown_unit(self) -> str:
        """The unit of the indicator's value: its own when computed, else its element's."""
        if self.is_computed:
            return self.unit
        return self.data_element.unit if self.data_element else ""

    def applies_to_level(self, level: str) -> bool:
        if self.scope == Scope.BOTH:
            return level in (RegionLevel.CITY, RegionLevel.COUNTY)
        return self.scope == level


class Criterion(models.Model):
    """The target of an indicator for one class of region, in the official wording; its rules
    (all of which must hold) say how the target is checked."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("indicator")
    )
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices, blank=True)
    terrain = models.CharField(_("terrain"), max_length=10, choices=Terrain.choices, blank=True)
    eco_zone = models.CharField(_("eco-zone"), max_length=10, choices=EcoZone.choices, blank=True)
    city_size = models.CharField(
        _("city size"), max_length=12, choices=CitySize.choices, blank=True
    )
    coastal = models.CharField(_("coastal"), max_length=3, choices=Coastal.choices, blank=True)
    target_text = models.CharField(_("target (official wording)"), max_length=300)
    target_text_en = models.CharField(_("target in English"), max_length=300, blank=True)

    CLASS_FIELDS = ("level", "terrain", "eco_zone", "city_size", "coastal")

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["indicator", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "level", "terrain", "eco_zone", "city_size", "coastal"],
                name="criterion_unique_region_class",
                violation_error_message=_("This indicator already has a criterion for this class."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.target_text} ({self.region_class_label()})"

    def region_class(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in self.CLASS_FIELDS if getattr(self, f)}

    def region_class_label(self) -> str:
        parts = [str(getattr(self, f"get_{f}_display")()) for f in self.region_class()]
        return "、".join(parts) if parts else str(_("all regions"))


class CriterionRule(models.Model):
    """One checkable rule of a criterion (threshold, assigned target, no deterioration…)."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="rules", verbose_name=_("criterion")
    )
    kind = models.CharField(_("rule kind"), max_length=20, choices=RuleKind.choices)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    span = models.CharField(
        _("years"),
        max_length=6,
        choices=RuleSpan.choices,
        default=RuleSpan.YEAR,
        help_text=_("Threshold rules: the assessment year only, or every year of the window."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["criterion", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=RuleKind.THRESHOLD) | (~Q(operator="") & Q(value__isnull=False)),
                name="rule_threshold_has_operator_and_value",
                violation_error_message=_("A threshold rule needs an operator and a value."),
            ),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                name="rule_tolerance_not_negative",
                violation_error_message=_("The tolerance cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == RuleKind.THRESHOLD:
            return f"{self.get_operator_display()} {self.value.normalize():f}"
        return str(self.get_kind_display())
