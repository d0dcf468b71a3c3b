"""Plain data in and out of the scoring engine. No ORM, no clock: callers build these from the
database (assessments.inputs) and store the results (assessments.models)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


def gettext_noop(message: str) -> str:
    """Marks an English word for the translation catalogue (makemessages finds it by this name)
    without importing Django: the Django side (zhonglou.choices) translates it when shown."""
    return message


class Labelled(StrEnum):
    """A value with the icon and the word people know it by (a status must read without colour).

    This is the one definition of each value: the Django choices of model fields, forms,
    filters and API fields are derived from it (assessments.choices), and so are the badges.
    """

    icon: str
    word: str  # English; translated by the Django side

    def __new__(cls, value: str, icon: str = "", word: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.icon = icon
        member.word = word or value
        return member


class Mode(Labelled):
    OFFICIAL = "official", "", gettext_noop("official")  # approved values only
    PROVISIONAL = "provisional", "", gettext_noop("provisional")  # submitted values count too


class Status(Labelled):
    MET = "met", "✔", gettext_noop("met")
    NOT_MET = "not_met", "✖", gettext_noop("not met")
    # no value (or no assigned target) for a year the rule needs
    MISSING = "missing", "?", gettext_noop("missing data")
    # submitted, with the reviewers: it does not count until approved (official mode)
    PENDING = "pending", "○", gettext_noop("pending review")
    NOT_APPLICABLE = "not_applicable", "–", gettext_noop("not applicable")


class Lacking(Labelled):
    """What a missing piece is."""

    VALUE = "value", "", gettext_noop("value")  # a data year's value
    ASSIGNED_TARGET = "assigned_target", "", gettext_noop("assigned target")
    REGION_ATTRIBUTE = "region_attribute", "", gettext_noop("region attribute")


class Owner(Labelled):
    """Who owes a missing piece."""

    DEPARTMENT = "department", "", gettext_noop("lead department")  # a value not sent
    REVIEWERS = "reviewers", "", gettext_noop("reviewers")  # a submitted value not yet approved
    CREATION_OFFICE = "creation_office", "", gettext_noop("creation office")  # assigned targets
    ADMINISTRATOR = "administrator", "", gettext_noop("administrator")  # region attributes


class Verdict(Labelled):
    ELIGIBLE = "eligible", "✔", gettext_noop("eligible")  # 可申报
    NOT_ELIGIBLE = "not_eligible", "✖", gettext_noop("not eligible")  # 未达标
    INCOMPLETE = "incomplete", "⚠", gettext_noop("incomplete data")  # 数据不全


# The lower bound of each progress category for the ratio R of observed to required growth
# (Statistics Canada): on track, acceleration needed, limited progress; below: deterioration.
THRESHOLDS = (Decimal("0.95"), Decimal("0.60"), Decimal("0"))


class Progress(Labelled):
    """已达标 / 按期可达 / 需加快 / 进展有限 / 恶化, and why there is no category."""

    TARGET_ACHIEVED = "target_achieved", "✔", gettext_noop("target achieved")
    ON_TRACK = "on_track", "↗", gettext_noop("on track")
    ACCELERATION_NEEDED = "acceleration_needed", "→", gettext_noop("acceleration needed")
    LIMITED_PROGRESS = "limited_progress", "↘", gettext_noop("limited progress")
    DETERIORATION = "deterioration", "✖", gettext_noop("deterioration")
    INSUFFICIENT_DATA = "insufficient_data", "?", gettext_noop("fewer than three years of values")
    NOT_APPLICABLE = "not_applicable", "–", gettext_noop("no numeric target to project against")


@dataclass(frozen=True)
class Projection:
    """An indicator's progress category with everything it was computed from."""

    status: Progress
    method: str = ""  # cagr | linear; "" when there is no category to compute
    operator: str = ""  # the threshold rule's operator
    target: Decimal | None = None  # the threshold rule's value
    target_year: int | None = None
    direction: int = 0  # +1: the value should rise to the target; -1: fall to it
    years: tuple[int, ...] = ()  # the years with a counted value the method read
    base_year: int | None = None
    base_value: Decimal | None = None
    latest_year: int | None = None
    latest_value: Decimal | None = None
    observed_rate: Decimal | None = None  # CAGR (a fraction) or slope per year (in the unit)
    required_rate: Decimal | None = None
    ratio: Decimal | None = None
    thresholds: tuple[Decimal, ...] = THRESHOLDS
    projected: tuple[tuple[int, Decimal], ...] = ()  # (year, value): the assessment year, the next


@dataclass(frozen=True)
class RuleSpec:
    """One rule of the criterion that applies (see indicators.choices.RuleKind)."""

    # threshold | qualitative | assigned_target | no_deterioration | no_decrease | falling_trend
    kind: str
    operator: str = ""  # ">=", "<=", "=", ">", "<" (threshold; optional for assigned_target)
    value: Decimal | None = None
    tolerance: Decimal | None = None
    baseline_year: int | None = None
    # threshold: "year" reads the assessment year only; "window" needs every year of the window
    # to compare true (近三年均…).
    span: str = "year"


@dataclass(frozen=True)
class Observation:
    """A region's value of one data element for one year, whatever its workflow status."""

    year: int
    status: str  # draft | submitted | returned | approved
    value: Decimal | None = None  # numeric kinds
    answer: bool | None = None  # yes/no kind
    source: str = ""


@dataclass(frozen=True)
class InputSpec:
    """A data element a computed indicator's formula reads, with its observations."""

    key: str
    name: str
    name_en: str = ""
    unit: str = ""
    decimals: int = 1
    observations: tuple[Observation, ...] = ()


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator of the edition as it applies to the region, with its data."""

    code: str
    name: str
    name_en: str
    category: str  # binding | reference
    parent_code: str | None = None  # set on sub-indicators
    value_kind: str = ""  # number | percentage | boolean; "" on parents
    unit: str = ""
    direction: str = "none"  # higher | lower | none
    decimals: int = 1
    target_text: str = ""
    target_text_en: str = ""
    rules: tuple[RuleSpec, ...] = ()
    # None when the indicator applies; otherwise why not (declared, out of scope, no criterion).
    not_applicable: str | None = None
    not_applicable_en: str | None = None
    observations: tuple[Observation, ...] = ()
    assigned_targets: tuple[tuple[int, Decimal], ...] = ()  # (year, target)
    departments: tuple[str, ...] = ()  # who owes the data (lead first)
    departments_en: tuple[str, ...] = ()
    # A computed indicator (indicators.formula): its value each year is the formula over the
    # inputs' values; value_kind, unit, direction and decimals above describe that value.
    formula: str = ""
    inputs: tuple[InputSpec, ...] = ()
    base_year: int | None = None  # what base(key) reads; None: the first year of the window
    # Region attributes that select the criterion but are not set for the region (terrain…):
    # until the administrator sets them no criterion can be chosen, so the indicator is missing.
    missing_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PassRule:
    window_years: int = 3
    all_binding_required: bool = True
    reference_ratio_required: Decimal = Decimal("0.8")
    veto_in_window: bool = True


@dataclass(frozen=True)
class VetoEvent:
    date: datetime.date
    kind: str
    description: str = ""


@dataclass(frozen=True)
class AssessmentInput:
    region_code: str
    region_name: str
    edition_code: str
    year: int  # the assessment year: the last year of the data window
    mode: Mode
    pass_rule: PassRule
    indicators: tuple[IndicatorSpec, ...]  # parents and sub-indicators, in display order
    veto_events: tuple[VetoEvent, ...] = ()
    # The day of assessment: veto events count from the first day of the window up to it (the
    # application year included). None: up to the last day of the application year.
    assessed_on: datetime.date | None = None


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    name_en: str
    category: str
    parent_code: str | None
    unit: str
    status: Status
    value: Decimal | bool | None  # the assessment year's counted value, if any
    years_used: tuple[int, ...]
    target_text: str
    target_text_en: str
    gap: Decimal | None  # how far from the target, in the unit; None when met or unknown
    gap_text: str  # e.g. "差 3.2 个百分点"
    gap_text_en: str
    explanation: str  # one sentence naming the value, the target and the years used
    explanation_en: str
    departments: tuple[str, ...] = ()
    departments_en: tuple[str, ...] = ()
    missing_years: tuple[int, ...] = ()
    value_text: str = ""  # the counted value as people read it: "97%", "36.9 μg/m³", "是"
    sources: tuple[str, ...] = ()  # source citations of the values the rules used
    missing: tuple[MissingPiece, ...] = ()  # what it lacks, for missing or pending results
    # Where the value is heading (assessments.scoring.projection): applicable leaves only.
    projection: Projection | None = None


@dataclass(frozen=True)
class MissingPiece:
    """One thing a verdict lacks and who owes it: a sub-indicator's value for some years (with
    where the value is: nothing entered, a draft or a returned value with its department, a
    submitted one with the reviewers), an assigned target, or a region attribute."""

    code: str  # the (sub-)indicator that needs it
    lacking: Lacking
    owner: Owner
    owner_names: tuple[str, ...]  # who, by name: the lead department, 创建办, 管理员
    owner_names_en: tuple[str, ...]
    years: tuple[int, ...] = ()  # value and assigned-target pieces
    value_status: str = ""  # value pieces: "" (nothing entered) | draft | returned | submitted
    attribute: str = ""  # region-attribute pieces: terrain | eco_zone | city_size …
    text: str = ""  # one clause naming it, e.g. "7.1 2021年上级下达目标，应由创建办录入"
    text_en: str = ""


@dataclass(frozen=True)
class MissingItem:
    code: str
    name: str
    name_en: str
    status: Status  # missing or pending
    years: tuple[int, ...]
    # The departments that owe values (drafts, returned or nothing entered); see ``pieces``
    # for everything owed, assigned targets and region attributes included.
    departments: tuple[str, ...]
    departments_en: tuple[str, ...] = ()
    pieces: tuple[MissingPiece, ...] = ()
    owners: tuple[str, ...] = ()  # everyone who owes a piece, by name, in order
    owners_en: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssessmentResult:
    region_code: str
    edition_code: str
    year: int
    mode: Mode
    window: tuple[int, ...]
    verdict: Verdict
    binding_met: int
    binding_applicable: int
    reference_met: int
    reference_applicable: int
    reference_ratio: Decimal | None  # None when no reference indicator applies
    reference_required: Decimal
    veto_events: tuple[VetoEvent, ...]  # those inside the window
    missing: tuple[MissingItem, ...]  # top-level indicators missing or pending
    indicators: tuple[IndicatorResult, ...] = field(default=())
    summary: str = ""  # one sentence on the verdict, zh
    summary_en: str = ""
