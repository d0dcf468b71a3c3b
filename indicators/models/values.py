"""Yearly values and what surrounds them: evidence, comments, assigned targets,
not-applicable declarations, veto events and year locks."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.choices import DeclarationStatus, ValueStatus, VetoKind
from indicators.storage import EvidenceStorage, VetoEvidenceStorage

from .catalogue import DataElement, Indicator
from .regions import Region

YEAR_MIN, YEAR_MAX = 2000, 2100
YEAR_VALIDATORS = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
YEAR_RANGE_MESSAGE = lazy(
    lambda: (
        gettext("The year must lie between %(min)d and %(max)d.")
        % {"min": YEAR_MIN, "max": YEAR_MAX}
    ),
    str,
)()
EVIDENCE_EXTENSIONS = [
    "pdf", "ofd", "doc", "docx", "xls", "xlsx", "csv", "txt", "jpg", "jpeg", "png", "zip",
]  # fmt: skip
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
# Free text people write (notes, comments, reasons, descriptions): enough for a paragraph of
# explanation, not a document (documents are evidence files). Enforced by the services; the
# forms and the API show and check the same limit.
TEXT_MAX_CHARS = 2000
SOURCE_MAX_CHARS = 300
TITLE_MAX_CHARS = 200


def _evidence_path(instance: Evidence, filename: str) -> str:
    # Never trust the uploaded name for the path: keep only a safe extension.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{instance.value.region.code}/{instance.value.year}/{instance.token}{suffix}"


class IndicatorValue(models.Model):
    """A region's value of one data element for one year, with its workflow state."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="values", verbose_name=_("region")
    )
    data_element = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="values", verbose_name=_("data element")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    answer = models.BooleanField(_("yes/no answer"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT
    )
    source = models.CharField(
        _("source citation"),
        max_length=300,
        blank=True,
        help_text=_("Where the figure comes from, e.g. 钟楼区创建工作报告 2022."),
    )
    note = models.TextField(_("note"), blank=True, max_length=TEXT_MAX_CHARS)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("return reason"), blank=True, max_length=TEXT_MAX_CHARS)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["region", "data_element", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "data_element", "year"],
                name="value_unique_region_element_year",
                violation_error_message=_("This region already has a value for this year."),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(answer__isnull=True),
                name="value_number_or_answer",
                violation_error_message=_("A value is either a number or a yes/no answer."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX),
                name="value_year_in_range",
                violation_error_message=YEAR_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(status=ValueStatus.RETURNED) | ~Q(return_reason=""),
                name="value_returned_has_reason",
                violation_error_message=_("A returned value needs a reason."),
            ),
        ]
        indexes = [
            models.Index(fields=["region", "year", "status"], name="value_region_year_status")
        ]

    def __str__(self) -> str:
        return f"{self.region.name} · {self.data_element.name} · {self.year}"

    @property
    def is_empty(self) -> bool:
        return self.value is None and self.answer is None

    def display(self) -> str:
        """The value as a person reads it: 97%, 36.9 μg/m³, 是 / 否."""
        from indicators.formatting import format_value

        return format_value(self.data_element, self.value, self.answer)


class Evidence(models.Model):
    """A file supporting a value (佐证材料), served only as a download."""

    value = models.ForeignKey(
        IndicatorValue, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("value")
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(
        _("file"),
        upload_to=_evidence_path,
        storage=EvidenceStorage(),
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
        max_length=200,
    )
    original_name = models.CharField(_("file name"), max_length=200, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    title = models.CharField(_("title"), max_length=200)
    official_source = models.CharField(
        _("official source"),
        max_length=300,
        blank=True,
        help_text=_("e.g. 常州市统计年鉴 2022, 表 3-2"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["value", "uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__lte=EVIDENCE_MAX_BYTES),
                name="evidence_size_limit",
                violation_error_message=_("The file is larger than the limit."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ValueComment(models.Model):
    """A message in the thread between clerk and reviewer about one value."""

    value = models.ForeignKey(
        IndicatorValue, on_delete=models.CASCADE, related_name="comments", verbose_name=_("value")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"), max_length=TEXT_MAX_CHARS)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["value", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class AssignedTarget(models.Model):
    """The target the higher level set for this region, data element and year (used by
    "assigned target" rules); entered by reviewers."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="assigned_targets", verbose_name=_("region")
    )
    data_element = models.ForeignKey(
        DataElement,
        on_delete=models.PROTECT,
        related_name="assigned_targets",
        verbose_name=_("data element"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4)
    document = models.CharField(
        _("assigning document"),
        max_length=300,
        blank=True,
        help_text=_("The document in which the higher level set the target."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("assigned target")
        verbose_name_plural = _("assigned targets")
        ordering = ["region", "data_element", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "data_element", "year"],
                name="assigned_target_unique",
                violation_error_message=_("This region already has a target for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.name} · {self.data_element.name} · {self.year}: {self.target}"


class NotApplicableDeclaration(models.Model):
    """A declaration that an indicator does not apply to a region (no coast, no livestock…);
    it counts once a reviewer approves it."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="declarations", verbose_name=_("region")
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("indicator"),
    )
    reason = models.TextField(_("reason"), max_length=TEXT_MAX_CHARS)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.PROPOSED,
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("declared by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("not-applicable declaration")
        verbose_name_plural = _("not-applicable declarations")
        ordering = ["region", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "indicator"],
                name="declaration_unique",
                violation_error_message=_("This indicator is already declared for this region."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="declaration_has_reason",
                violation_error_message=_("A declaration needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} · {self.indicator}"


def evidence_file_model(*, upload_to, storage) -> type[models.Model]:
    """An abstract model with an optional evidence file (``evidence``) stored in ``storage``
    under a random token (``evidence_token``, which names the file and its scoped download),
    the name it was uploaded as kept aside (``evidence_name``). Veto events and corrective
    actions' progress notes each inherit one; only where the file goes and which download
    serves it differ."""

    class EvidenceFileModel(models.Model):
        evidence = models.FileField(
            _("evidence"),
            upload_to=upload_to,
            storage=storage,
            blank=True,
            validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
            max_length=200,
        )
        evidence_token = models.CharField(max_length=32, blank=True, editable=False, db_index=True)
        evidence_name = models.CharField(_("file name"), max_length=200, blank=True, editable=False)

        class Meta:
            abstract = True

    return EvidenceFileModel


def _veto_evidence_path(instance: VetoEvent, filename: str) -> str:
    # As for a value's evidence: the token names the file, the uploaded name is kept aside.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"veto/{instance.region.code}/{instance.date.year}/{instance.evidence_token}{suffix}"


class VetoEvent(evidence_file_model(upload_to=_veto_evidence_path, storage=VetoEvidenceStorage())):
    """An event that fails the region when it falls inside the data window (一票否决)."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="veto_events", verbose_name=_("region")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=30, choices=VetoKind.choices)
    description = models.TextField(_("description"), max_length=TEXT_MAX_CHARS)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("veto event")
        verbose_name_plural = _("veto events")
        ordering = ["region", "-date"]

    def __str__(self) -> str:
        return f"{self.region.name} · {self.date} · {self.get_kind_display()}"


class YearLock(models.Model):
    """A reviewer's lock on a region's year: its values are read-only while locked."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="year_locks", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    locked = models.BooleanField(_("locked"), default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    reopen_reason = models.TextField(
        _("reason for reopening"), blank=True, max_length=TEXT_MAX_CHARS
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("year lock")
        verbose_name_plural = _("year locks")
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="year_lock_unique",
                violation_error_message=_("This year already has a lock record."),
            ),
            models.CheckConstraint(
                condition=Q(locked=True) | ~Q(reopen_reason=""),
                name="year_lock_reopen_has_reason",
                violation_error_message=_("Reopening a year needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        state = _("locked") if self.locked else _("open")
        return f"{self.region.name} {self.year} ({state})"
