"""Enumerations of the catalogue and the data-entry workflow."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_FORCE = "in_force", _("in force")
    RETIRED = "retired", _("retired")


class Category(models.TextChoices):
    BINDING = "binding", _("binding")
    REFERENCE = "reference", _("reference")


class Scope(models.TextChoices):
    CITY = "city", _("city (市)")
    COUNTY = "county", _("county (县)")
    BOTH = "both", _("city and county (市县)")


class Confidence(models.TextChoices):
    CONFIRMED = "C", _("confirmed against the official text")
    RECONSTRUCTED = "R", _("reconstructed, to verify")


class ValueKind(models.TextChoices):
    NUMBER = "number", _("number")
    PERCENTAGE = "percentage", _("percentage")
    BOOLEAN = "boolean", _("yes/no")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")
    NONE = "none", _("no direction")


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    CITY = "city", _("city (市)")
    COUNTY = "county", _("county level (区、县、县级市)")


class Terrain(models.TextChoices):
    """The five region classes of indicator 11 (林草覆盖率) in the official explanation of the
    2019 national indicators: 山区, 丘陵区, 平原地区, 干旱半干旱地区, 青藏高原地区."""

    MOUNTAIN = "mountain", _("mountain")
    HILL = "hill", _("hill")
    PLAIN = "plain", _("plain")
    ARID = "arid", _("arid or semi-arid")
    PLATEAU = "plateau", _("Qinghai–Tibet Plateau")


class EcoZone(models.TextChoices):
    ARID = "arid", _("arid or semi-arid")
    OTHER = "other", _("other")


class CitySize(models.TextChoices):
    MEGACITY = "megacity", _("megacity or super-large city")
    LARGE = "large", _("large city")
    MEDIUM_SMALL = "medium_small", _("medium or small city")


class Coastal(models.TextChoices):
    COASTAL = "yes", _("coastal")
    INLAND = "no", _("inland")


class RuleKind(models.TextChoices):
    THRESHOLD = "threshold", _("threshold")
    QUALITATIVE = "qualitative", _("qualitative")
    ASSIGNED_TARGET = "assigned_target", _("assigned target")
    NO_DETERIORATION = "no_deterioration", _("no deterioration")
    NO_DECREASE = "no_decrease", _("no decrease")
    FALLING_TREND = "falling_trend", _("falling trend")


class RuleSpan(models.TextChoices):
    """Which years a threshold rule reads (docs/criteria.md §3)."""

    YEAR = "year", _("the assessment year")
    WINDOW = "window", _("every year of the window")


class Operator(models.TextChoices):
    GTE = ">=", "≥"
    LTE = "<=", "≤"
    EQ = "=", "="
    GT = ">", ">"
    LT = "<", "<"


class ResponsibilityRole(models.TextChoices):
    LEAD = "lead", _("lead")
    SUPPORTING = "supporting", _("supporting")


class ValueStatus(models.TextChoices):
    """Where a value stands in the data-entry workflow (the transitions: indicators.permissions).
    Each status reads as an icon and its word (``icon``, ``label``) wherever it is shown, and
    says who holds the value (``held_by``): 草稿 and 已退回 are with the department, 待审核 with the
    reviewers. The engine's PENDING is the same word: a submitted value, not yet approved."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("pending review")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")

    @property
    def icon(self) -> str:
        return _VALUE_STATUS_ICONS[self]

    @property
    def held_by(self) -> str:
        return str(_VALUE_STATUS_HOLDERS.get(self, ""))


_VALUE_STATUS_ICONS = {
    ValueStatus.DRAFT: "✎",
    ValueStatus.SUBMITTED: "○",
    ValueStatus.RETURNED: "↩",
    ValueStatus.APPROVED: "✔",
}


_VALUE_STATUS_HOLDERS = {
    ValueStatus.DRAFT: _("with the department"),
    ValueStatus.RETURNED: _("with the department"),
    ValueStatus.SUBMITTED: _("with the reviewers"),
}


class ValueState(models.TextChoices):
    """A value's status as the pages and the Excel template show it: the workflow's statuses
    and, for a value nobody has entered yet, ``missing`` (owed by its department)."""

    MISSING = "missing", _("owed")
    DRAFT = ValueStatus.DRAFT.value, ValueStatus.DRAFT.label
    SUBMITTED = ValueStatus.SUBMITTED.value, ValueStatus.SUBMITTED.label
    RETURNED = ValueStatus.RETURNED.value, ValueStatus.RETURNED.label
    APPROVED = ValueStatus.APPROVED.value, ValueStatus.APPROVED.label

    @property
    def icon(self) -> str:
        return "?" if self == ValueState.MISSING else ValueStatus(self.value).icon

    @property
    def held_by(self) -> str:
        if self == ValueState.MISSING:
            return str(_VALUE_STATUS_HOLDERS[ValueStatus.DRAFT])
        return ValueStatus(self.value).held_by


class DeclarationStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    WITHDRAWN = "withdrawn", _("withdrawn")


class VetoKind(models.TextChoices):
    """The veto events of docs/criteria.md §4 (一票否决事项)."""

    MAJOR_INCIDENT = "major_incident", _("major or extraordinary environmental incident")
    ECOLOGICAL_DAMAGE = "ecological_damage", _("major ecological-damage event")
    INSPECTION_UNRESOLVED = (
        "inspection_unresolved",
        _("central environmental inspection problems unresolved"),
    )
    SUMMONS = "summons", _("ministry summons (约谈)")
    PUBLIC_SUPERVISION = "public_supervision", _("public supervision (挂牌督办)")
    APPROVAL_BAN = "approval_ban", _("regional approval ban (区域限批)")
    REDLINE_VIOLATION = "redline_violation", _("serious red-line or protected-area violation")
    FALSIFIED_DATA = "falsified_data", _("falsified data")
