"""Reads that are reused: each applies the permission scope and declares its joins once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db.models import Case, Max, Min, OuterRef, Prefetch, QuerySet, Subquery, When, Window
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.scope import scope_of
from indicators import criteria as criteria_lib
from indicators.choices import DeclarationStatus, EditionStatus, ResponsibilityRole, ValueStatus
from indicators.models import (
    AssignedTarget,
    Criterion,
    DataElement,
    Deadline,
    Department,
    Evidence,
    FrameworkEdition,
    Indicator,
    IndicatorValue,
    NotApplicableDeclaration,
    Region,
    Responsibility,
    VetoEvent,
    YearLock,
)
from indicators.models.regions import default_due_date


def criterion_for(indicator: Indicator, region: Region) -> Criterion | None:
    """The criterion of ``indicator`` that applies to ``region``, or None when the indicator
    does not apply to it (out of scope for its level, or no criterion for its class).
    Uses prefetched criteria when the caller prefetched them."""
    if not indicator.applies_to_level(region.level):
        return None
    return criteria_lib.select(
        indicator.criteria.all(), region.class_attributes(), lambda c: c.region_class()
    )


@dataclass(frozen=True)
class Applicability:
    """Whether a region owes an indicator of an edition: the one answer the engine's input,
    the department pages, the completeness and overdue counts and the Excel templates use."""

    indicator: Indicator
    criterion: Criterion | None
    # "" when it applies; else declared | scope | no_criterion | parent
    not_applicable: str = ""
    declared_reason: str = ""
    parent_code: str = ""  # the not-applicable ancestor, for "parent"
    # Region attributes not set that the criteria need (terrain…): the indicator is owed, but
    # no criterion can be chosen until the administrator sets them.
    missing_attributes: tuple[str, ...] = ()

    @property
    def applies(self) -> bool:
        return not self.not_applicable


def applicability(region: Region, edition: FrameworkEdition) -> dict[int, Applicability]:
    """Indicator id → whether ``region`` owes it under ``edition``: from the criteria of the
    region's class, its approved not-applicable declarations and the indicator's scope; a
    sub-indicator of an indicator that does not apply does not apply either. Four queries."""
    return applicabilities([region], edition)[region.pk]


def edition_catalogue(edition: FrameworkEdition) -> list[Indicator]:
    """The indicators of an edition in order, with their data element, criteria and rules
    (three queries): what :func:`applicabilities` reads once for any number of regions."""
    return list(
        Indicator.objects.filter(edition=edition)
        .select_related("data_element")
        .prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.prefetch_related("rules"))
        )
        .order_by("order")
    )


def applicabilities(
    regions, edition: FrameworkEdition, *, catalogue: list[Indicator] | None = None
) -> dict[int, dict[int, Applicability]]:
    """:func:`applicability` of each region, keyed by region id: the catalogue read once
    (or passed in) and the declarations of all the regions in one more query."""
    regions = list(regions)
    indicators = edition_catalogue(edition) if catalogue is None else catalogue
    declared: dict[int, dict[int, str]] = {r.pk: {} for r in regions}
    for region_id, indicator_id, reason in NotApplicableDeclaration.objects.filter(
        region__in=[r.pk for r in regions],
        indicator__edition=edition,
        status=DeclarationStatus.APPROVED,
    ).values_list("region_id", "indicator_id", "reason"):
        declared[region_id][indicator_id] = reason
    # The answers depend on a region's class (its level and criteria attributes) and its
    # declarations only: a province's regions share a few classes, each worked out once.
    by_class: dict[tuple, dict[int, Applicability]] = {}
    out = {}
    for r in regions:
        key = (tuple(r.class_attributes().items()), tuple(sorted(declared[r.pk].items())))
        if key not in by_class:
            by_class[key] = _applicability(r, indicators, declared[r.pk])
        out[r.pk] = dict(by_class[key])
    return out


def _applicability(
    region: Region, indicators: list[Indicator], declared: dict[int, str]
) -> dict[int, Applicability]:
    own = {ind.pk: _own_applicability(ind, region, declared) for ind in indicators}
    by_pk = {ind.pk: ind for ind in indicators}

    def inherited(ind: Indicator) -> Applicability:
        answer = own[ind.pk]
        seen = {ind.pk}
        parent_id = ind.parent_id
        while parent_id in by_pk and parent_id not in seen:
            seen.add(parent_id)
            if not own[parent_id].applies:
                return replace(answer, not_applicable="parent", parent_code=by_pk[parent_id].code)
            parent_id = by_pk[parent_id].parent_id
        return answer

    return {ind.pk: inherited(ind) for ind in indicators}


def _own_applicability(ind: Indicator, region: Region, declared: dict[int, str]) -> Applicability:
    criterion = criterion_for(ind, region) if ind.data_element_id else None
    if ind.pk in declared:
        return Applicability(ind, criterion, "declared", declared_reason=declared[ind.pk])
    if not ind.applies_to_level(region.level):
        return Applicability(ind, None, "scope")
    if ind.data_element_id and criterion is None:
        unset = criteria_lib.unset_attributes(
            [c.region_class() for c in ind.criteria.all()], region.class_attributes()
        )
        if unset:
            return Applicability(ind, None, missing_attributes=unset)
        return Applicability(ind, None, "no_criterion")
    return Applicability(ind, criterion)


def owed_elements(region: Region, edition: FrameworkEdition | None) -> set[int]:
    """The data elements ``region`` owes a value of under ``edition`` (for every year of the
    edition's window): those of the leaf indicators that apply to it."""
    if edition is None:
        return set()
    return {
        a.indicator.data_element_id
        for a in applicability(region, edition).values()
        if a.applies and a.indicator.data_element_id
    }


def regions_for_user(user) -> QuerySet[Region]:
    """The regions the user reads (``Scope.region_q``)."""
    return Region.objects.filter(scope_of(user).region_q())


def elements_for_user(user, *, entry: bool = False) -> QuerySet[DataElement]:
    """Data elements whose values the user sees: a clerk those their department leads or
    supports, others every element. With ``entry``, those the user may enter: a clerk only
    those their department leads (a supporting department provides inputs, the lead enters)."""
    scope = scope_of(user)
    if not scope.active:
        return DataElement.objects.none()
    if not scope.is_clerk:
        return (
            DataElement.objects.all() if not entry or scope.is_admin else DataElement.objects.none()
        )
    if scope.department_id is None:
        return DataElement.objects.none()
    responsibilities = Responsibility.objects.filter(
        region_id=scope.region_id, department_id=scope.department_id
    )
    if entry:
        responsibilities = responsibilities.filter(role=ResponsibilityRole.LEAD)
    return DataElement.objects.filter(pk__in=responsibilities.values("data_element"))


def _scoped(queryset: QuerySet, user, *, element_field: str | None = "data_element") -> QuerySet:
    scope = scope_of(user)
    if scope.is_admin:
        return queryset
    if not scope.active or scope.region_id is None:
        return queryset.none()
    queryset = queryset.filter(scope.region_q("region__"))
    if scope.is_clerk and element_field is not None:
        if scope.department_id is None:
            return queryset.none()
        supplied = Responsibility.objects.filter(
            region_id=scope.region_id, department_id=scope.department_id
        ).values("data_element")
        queryset = queryset.filter(**{f"{element_field}__in": supplied})
    return queryset


def values_for_user(user) -> QuerySet[IndicatorValue]:
    """Every value the user may see; a clerk sees only their department's data elements."""
    return _scoped(IndicatorValue.objects.all(), user).select_related(
        "region", "data_element", "entered_by", "submitted_by", "reviewed_by"
    )


def visible_evidence(user, token: str) -> Evidence | None:
    """The evidence file with this token if its value is in the user's scope."""
    return (
        Evidence.objects.filter(token=token, value__in=values_for_user(user))
        .only("file", "original_name")
        .first()
    )


INLINE_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
}


def inline_type(filename: str) -> str:
    """The type a file is shown in place with ("" when it is only downloaded)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return INLINE_TYPES.get(suffix, "")


def assigned_targets_for_user(user) -> QuerySet[AssignedTarget]:
    return _scoped(AssignedTarget.objects.all(), user).select_related("region", "data_element")


def declarations_for_user(user) -> QuerySet[NotApplicableDeclaration]:
    return _scoped(
        NotApplicableDeclaration.objects.all(), user, element_field="indicator__data_element"
    ).select_related("region", "indicator__edition")


def veto_events_for_user(user) -> QuerySet[VetoEvent]:
    return _scoped(VetoEvent.objects.all(), user, element_field=None).select_related("region")


def year_locks_for_user(user) -> QuerySet[YearLock]:
    return _scoped(YearLock.objects.all(), user, element_field=None).select_related(
        "region", "changed_by"
    )


def deadlines_for_user(user) -> QuerySet[Deadline]:
    """The deadlines set for the user's regions (a clerk: their department's elements)."""
    return _scoped(Deadline.objects.all(), user).select_related(
        "region", "data_element", "changed_by"
    )


def departments_for_user(user) -> QuerySet[Department]:
    scope = scope_of(user)
    if scope.is_admin:
        return Department.objects.select_related("region")
    if not scope.active or scope.region_id is None:
        return Department.objects.none()
    departments = Department.objects.filter(scope.region_q("region__"))
    if scope.is_clerk:
        departments = departments.filter(pk=scope.department_id)
    return departments.select_related("region")


def indicator_codes(elements, edition=None) -> dict[int, str]:
    """For display: data element id → the code of its indicator in ``edition`` (or in the
    in-force editions, the county list first)."""
    indicators = Indicator.objects.filter(data_element__in=elements)
    if edition is not None:
        indicators = indicators.filter(edition=edition)
    codes: dict[int, str] = {}
    in_force_first = Case(When(edition__status=EditionStatus.IN_FORCE, then=0), default=1)
    for ind in indicators.order_by(in_force_first, "edition__code").only("code", "data_element_id"):
        codes.setdefault(ind.data_element_id, ind.code)
    return codes


@dataclass(frozen=True)
class ElementDisplay:
    """How a data element reads for a region: its indicator code, name and target wording in
    the edition the region applies under."""

    code: str
    name: str
    target: str
    indicator: Indicator | None

    @property
    def sort_key(self) -> tuple:
        return code_sort_key(self.code)


def code_sort_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split(".")) if code else (999,)


def region_edition(region: Region) -> FrameworkEdition | None:
    """The edition a region is assessed against by default (then any in-force edition)."""
    if region.edition_id:
        return region.edition
    return FrameworkEdition.objects.filter(status=EditionStatus.IN_FORCE).order_by("code").first()


def element_display(elements, region: Region) -> dict[int, ElementDisplay]:
    """Code, name and target for each data element, in two queries whatever their number."""
    edition = region_edition(region)
    indicators = (
        Indicator.objects.filter(data_element__in=elements)
        .select_related("edition")
        .prefetch_related("criteria")
    )
    preferred: dict[int, Indicator] = {}
    for ind in sorted(
        indicators, key=lambda i: (i.edition_id != getattr(edition, "pk", None), i.edition.code)
    ):
        preferred.setdefault(ind.data_element_id, ind)
    out = {}
    for element in elements:
        ind = preferred.get(element.pk)
        criterion = criterion_for(ind, region) if ind else None
        out[element.pk] = ElementDisplay(
            code=ind.code if ind else "",
            name=ind.name if ind else element.name,
            target=criterion.target_text if criterion else "",
            indicator=ind,
        )
    return out


def default_year(region: Region) -> int:
    """The assessment year shown when none is asked for (every page, the scorecard API, the
    ``assess`` command): the one the region's reviewers set, else the latest year with approved
    values (a draft moves no default), else last year."""
    return default_years([region])[region.pk]


def default_years(regions) -> dict[int, int]:
    """:func:`default_year` of each region, keyed by id, in one query whatever their number
    (the rule is :func:`default_year_sql`'s; none when every region has its reviewers' year)."""
    regions = list(regions)
    unset = [r.pk for r in regions if not r.assessment_year]
    year, params = default_year_sql()
    found = (
        dict(
            Region.objects.filter(pk__in=unset)
            .annotate(
                default=RawSQL(year, params, output_field=Region._meta.get_field("assessment_year"))
            )
            .values_list("pk", "default")
            .order_by()
        )
        if unset
        else {}
    )
    return {r.pk: r.assessment_year or found[r.pk] for r in regions}


@dataclass(frozen=True)
class YearSpan:
    """What the regions' values say of years: every year from their first to their last,
    latest first (empty when they hold none), and the latest of their default years."""

    years: list[int]
    default_year: int


def year_span(regions: Iterable[Region] | QuerySet[Region]) -> YearSpan:
    """The :class:`YearSpan` of the regions in one query: each region's first and last year
    from its index (region, year, status) and its :func:`default_year`
    (:func:`default_year_sql`), folded into one row by the database; the cost grows with the
    regions, not with their values. A queryset of regions is read as a subquery (no list of
    ids to send)."""
    if isinstance(regions, QuerySet):
        regions = regions.order_by()
    else:
        regions = Region.objects.filter(pk__in=[r.pk for r in regions])
    span = _with_years(regions).aggregate(
        span_first=Min("region_first"), span_last=Max("region_last"), span_year=Max("region_year")
    )
    return _span(span["span_first"], span["span_last"], span["span_year"])


def with_year_span(regions: QuerySet[Region]) -> QuerySet[Region]:
    """The regions, each with the :class:`YearSpan` of them all (window aggregates over the
    queryset's rows, taken before a slice): a page that shows one region of many, or a page of
    them, reads their span in the same query (:func:`span_of`)."""
    return _with_years(regions).annotate(
        span_first=Window(Min("region_first")),
        span_last=Window(Max("region_last")),
        span_year=Window(Max("region_year")),
    )


def span_of(region: Region) -> YearSpan:
    """The :class:`YearSpan` read with a region of :func:`with_year_span` (no query)."""
    return _span(region.span_first, region.span_last, region.span_year)


def _with_years(regions: QuerySet[Region]) -> QuerySet[Region]:
    values = IndicatorValue.objects.filter(region=OuterRef("pk")).values("year")
    year, params = default_year_sql()
    return regions.annotate(
        region_first=Subquery(values.order_by("year")[:1]),
        region_last=Subquery(values.order_by("-year")[:1]),
        region_year=RawSQL(year, params, output_field=IndicatorValue._meta.get_field("year")),
    )


def _span(first: int | None, last: int | None, year: int | None) -> YearSpan:
    years = list(range(last, first - 1, -1)) if last is not None else []
    return YearSpan(years, year if year is not None else timezone.localdate().year - 1)


def data_years(regions: Iterable[Region] | QuerySet[Region]) -> list[int]:
    """The years the regions hold values for, latest first (empty when they hold none)."""
    return year_span(regions).years


def default_year_sql() -> tuple[str, tuple]:
    """:func:`default_year` as SQL over the regions' table in the outer query (the reviewers'
    year, else the latest year of approved values, else last year), with its parameters: the
    same rule for a query that must not cost a second one (a test holds the two equal)."""
    values, region = IndicatorValue._meta.db_table, Region._meta.db_table
    # The top of the region's index (region, year, status) read backwards: a MAX would read
    # every approved value of the region.
    latest = (
        f'SELECT v."year" FROM "{values}" v '
        f'WHERE v."region_id" = "{region}"."id" AND v."status" = %s '
        'ORDER BY v."year" DESC LIMIT 1'
    )
    return (
        f'COALESCE("{region}"."assessment_year", ({latest}), %s)',
        (ValueStatus.APPROVED.value, timezone.localdate().year - 1),
    )


def with_indicator_code(values: QuerySet[IndicatorValue]) -> QuerySet[IndicatorValue]:
    """Annotate each value with its indicator's code in its region's edition (one subquery,
    whatever the number of rows)."""
    # The region's edition read inside the subquery: a join to the regions in the outer query
    # would stay in its COUNT (the admin's pages).
    edition = Region.objects.filter(pk=OuterRef(OuterRef("region_id"))).values("edition_id")[:1]
    code = Indicator.objects.filter(
        data_element=OuterRef("data_element"), edition=Subquery(edition)
    ).values("code")[:1]
    return values.annotate(indicator_code=Subquery(code))


# Deadlines and what is overdue: one rule, read by the department page, the overview's
# completeness, the reminders and the digest.

UNSENT = frozenset({"missing", ValueStatus.DRAFT, ValueStatus.RETURNED})


def due_dates(
    region: Region, elements, years, *, leads=None
) -> dict[tuple[int, int], datetime.date]:
    """The deadline of each (data element, year): the one the reviewers set (Deadline), else
    the lead responsibility's default day of the following year, else 31 March. ``elements``:
    data elements or their ids; ``leads``: the lead Responsibility of each element id, when
    the caller has read them (else one more query)."""
    element_ids = [getattr(e, "pk", e) for e in elements]
    years = list(years)
    if leads is None:
        leads = {
            r.data_element_id: r
            for r in Responsibility.objects.filter(
                region=region, role=ResponsibilityRole.LEAD, data_element_id__in=element_ids
            )
        }
    chosen = {
        (d.data_element_id, d.year): d.due
        for d in Deadline.objects.filter(
            region=region, data_element_id__in=element_ids, year__in=years
        ).only("data_element_id", "year", "due")
    }
    out = {}
    for element_id in element_ids:
        lead = leads.get(element_id)
        for year in years:
            out[(element_id, year)] = chosen.get((element_id, year)) or (
                lead.due_date(year) if lead else default_due_date(year)
            )
    return out


def current_window(region: Region, edition: FrameworkEdition) -> frozenset[int]:
    """The data years of the region's current assessment (its assessment year's window):
    only values of these years can be overdue."""
    return frozenset(edition.window(default_year(region)))


def is_overdue(
    *, status: str, due: datetime.date, year: int, window, today: datetime.date, lead=True
) -> bool:
    """The one rule for "overdue": a value the department owes (it leads an element the region
    owes), of a year in the current assessment window, past its deadline and not submitted
    (missing, draft or returned)."""
    return bool(lead) and year in window and status in UNSENT and due < today


@dataclass(frozen=True)
class OwedCell:
    """One value a department owes: a data element it leads × a data year, with the value's
    status ("missing" without a value) and its deadline."""

    data_element_id: int
    year: int
    department: Department
    status: str
    due: datetime.date


def owed_cells(region: Region, edition: FrameworkEdition, years=None) -> list[OwedCell]:
    """Every value ``region`` owes under ``edition`` for ``years`` (default: the current
    assessment window), led by a department, in a fixed number of queries."""
    years = sorted(current_window(region, edition) if years is None else years)
    elements = owed_elements(region, edition)
    leads = {
        r.data_element_id: r
        for r in Responsibility.objects.filter(
            region=region, role=ResponsibilityRole.LEAD, data_element_id__in=elements
        ).select_related("department")
    }
    status = {
        (v.data_element_id, v.year): v.status
        for v in IndicatorValue.objects.filter(
            region=region, data_element_id__in=leads, year__in=years
        ).only("data_element_id", "year", "status")
    }
    due = due_dates(region, leads, years, leads=leads)
    return [
        OwedCell(
            element_id,
            year,
            lead.department,
            status.get((element_id, year), "missing"),
            due[(element_id, year)],
        )
        for element_id, lead in sorted(leads.items(), key=lambda e: (e[1].department.code, e[0]))
        for year in years
    ]
