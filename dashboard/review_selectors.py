"""Reads behind the review queue (审核) and the landing pages: each answers in a fixed number
of queries, whatever the number of rows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from indicators import permissions
from indicators import selectors as indicator_selectors
from indicators.choices import ResponsibilityRole, ValueStatus
from indicators.models import (
    Department,
    Domain,
    Evidence,
    IndicatorValue,
    Region,
    Responsibility,
    ValueComment,
)
from indicators.services.values import large_change_warning
from indicators.validation import is_large_change

# How many days before its deadline a value counts as "due soon" on a clerk's landing page.
DUE_SOON_DAYS = 30


def preview_kind(evidence: Evidence) -> str:
    """ "pdf" or "image" when the file can be previewed in place, "" when it is downloaded."""
    kind = indicator_selectors.inline_type(evidence.original_name or "")
    return "pdf" if kind == "application/pdf" else "image" if kind else ""


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters from the query string; anything unknown is ignored, never a 500."""

    department: Department | None = None
    domain: Domain | None = None
    year: int | None = None

    @classmethod
    def from_query(cls, query, departments: list, domains: list) -> QueueFilters:
        by_code = {d.code: d for d in departments}
        domain_by_code = {d.code: d for d in domains}
        raw_year = (query.get("year") or "").strip()
        return cls(
            department=by_code.get(query.get("department") or ""),
            domain=domain_by_code.get(query.get("domain") or ""),
            year=int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else None,
        )

    def query(self) -> str:
        parts = []
        if self.department:
            parts.append(f"department={self.department.code}")
        if self.domain:
            parts.append(f"domain={self.domain.code}")
        if self.year:
            parts.append(f"year={self.year}")
        return "&".join(parts)


@dataclass
class QueueRow:
    """One submitted value as the reviewer sees it, with everything needed to decide on it."""

    value: IndicatorValue
    code: str
    name: str
    target: str
    department: Department | None
    earlier: list[IndicatorValue]  # the same element's earlier years, oldest first
    warning: str | None  # the plausibility check the submit service applies
    actions: set[str]
    evidence: list[tuple[Evidence, str]] = field(default_factory=list)

    @property
    def trend(self) -> list[tuple[int, float]]:
        """(year, value) of the earlier years and this one, for the sparkline."""
        points = [*self.earlier, self.value]
        return [(v.year, float(v.value)) for v in points if v.value is not None]

    @property
    def plausible(self) -> bool:
        return self.warning is None


def reviewed_values(user, region: Region) -> QuerySet[IndicatorValue]:
    """The region's values the user may see, with what a queue row shows prefetched (its
    evidence and comment thread)."""
    return (
        indicator_selectors.values_for_user(user)
        .filter(region=region)
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")),
            Prefetch(
                "comments",
                queryset=ValueComment.objects.select_related("author").order_by("created_at"),
            ),
        )
    )


def queue_values(user, region: Region) -> QuerySet[IndicatorValue]:
    """Every submitted value of ``region`` the user may see, oldest submission first."""
    return (
        reviewed_values(user, region)
        .filter(status=ValueStatus.SUBMITTED)
        .order_by("submitted_at", "pk")
    )


def queue_count(user, region: Region) -> int:
    return queue_values(user, region).count()


def filter_queue(values: QuerySet, region: Region, filters: QueueFilters) -> QuerySet:
    if filters.department is not None:
        values = values.filter(
            data_element__in=Responsibility.objects.filter(
                region=region, department=filters.department, role=ResponsibilityRole.LEAD
            ).values("data_element")
        )
    if filters.domain is not None:
        values = values.filter(data_element__indicators__task__domain=filters.domain).distinct()
    if filters.year is not None:
        values = values.filter(year=filters.year)
    return values


def queue_rows(user, region: Region, values: QuerySet) -> list[QueueRow]:
    """The queue's rows for ``values`` (already scoped and filtered): a fixed handful of
    queries whatever their number."""
    values = list(values)
    if not values:
        return []
    elements = {v.data_element_id: v.data_element for v in values}
    display = indicator_selectors.element_display(list(elements.values()), region)
    leads = {
        r.data_element_id: r.department
        for r in Responsibility.objects.filter(
            region=region, data_element_id__in=elements, role=ResponsibilityRole.LEAD
        ).select_related("department")
    }
    earlier: dict[int, list[IndicatorValue]] = defaultdict(list)
    for previous in IndicatorValue.objects.filter(
        region=region, data_element_id__in=elements, year__lt=max(v.year for v in values)
    ).order_by("year"):
        previous.data_element = elements[previous.data_element_id]  # for its display, no query
        earlier[previous.data_element_id].append(previous)
    locked = permissions.locked_years(region.pk)
    rows = []
    for value in values:
        before = [p for p in earlier[value.data_element_id] if p.year < value.year]
        info = display[value.data_element_id]
        rows.append(
            QueueRow(
                value=value,
                code=info.code,
                name=info.name,
                target=info.target,
                department=leads.get(value.data_element_id),
                earlier=before[-4:],
                warning=_plausibility(value, before),
                actions=_review_actions(user, value, locked),
                evidence=[(e, preview_kind(e)) for e in value.evidence.all()],
            )
        )
    return sorted(rows, key=lambda r: (indicator_selectors.code_sort_key(r.code), r.value.year))


def _plausibility(value: IndicatorValue, before: list[IndicatorValue]) -> str | None:
    """The submit service's rule (``large_change_warning``) on the year before's value."""
    previous = next((p.value for p in before if p.year == value.year - 1), None)
    element = value.data_element
    if not is_large_change(element, value.value, previous):
        return None
    return large_change_warning(element, value.year, value.value, value.answer, previous)


def _review_actions(user, value: IndicatorValue, locked: frozenset[int]) -> set[str]:
    """``permissions.value_actions`` for a queue row, on the locked years read once."""
    if value.year in locked:
        return set()
    return {
        action
        for action in permissions.REVIEW_DECISIONS
        if permissions.may_act(user, value, action)
    }


@dataclass
class Owed:
    """A value a clerk's department owes: returned, due soon or overdue."""

    kind: str  # returned | due_soon | overdue
    code: str
    name: str
    year: int
    due: datetime.date
    value: IndicatorValue | None


def owed_by_department(
    region: Region, department: Department, today: datetime.date
) -> dict[str, list[Owed]]:
    """What a department owes, for its landing page: the values returned to it (with the
    reason, whatever their year), and those not yet entered or still drafts that are due
    within ``DUE_SOON_DAYS`` or past their deadline, in the edition's window around the
    region's assessment year and the last completed year. A fixed number of queries."""
    edition = indicator_selectors.region_edition(region)
    if edition is None:
        return {"returned": [], "due_soon": [], "overdue": []}
    years = sorted(set(edition.window(indicator_selectors.default_year(region))) | {today.year - 1})
    owed = indicator_selectors.owed_elements(region, edition)
    leads = list(
        Responsibility.objects.filter(
            region=region,
            department=department,
            role=ResponsibilityRole.LEAD,
            data_element_id__in=owed,
        ).select_related("data_element")
    )
    display = indicator_selectors.element_display([r.data_element for r in leads], region)
    values = {
        (v.data_element_id, v.year): v
        for v in IndicatorValue.objects.filter(
            region=region, data_element_id__in=[r.data_element_id for r in leads], year__in=years
        )
    }
    out: dict[str, list[Owed]] = {"returned": [], "due_soon": [], "overdue": []}
    by_element = {r.data_element_id: r for r in leads}
    returned = list(
        IndicatorValue.objects.filter(
            region=region, data_element_id__in=by_element, status=ValueStatus.RETURNED
        )
    )
    # The deadlines kept as data (indicators.selectors.due_dates) and the one overdue rule.
    due = indicator_selectors.due_dates(
        region, by_element, set(years) | {v.year for v in returned}, leads=by_element
    )
    window = indicator_selectors.current_window(region, edition)
    # Returned values are owed whatever their year.
    for value in returned:
        info = display[value.data_element_id]
        when = due[(value.data_element_id, value.year)]
        out["returned"].append(Owed("returned", info.code, info.name, value.year, when, value))
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    for resp in leads:
        info = display[resp.data_element_id]
        for year in years:
            value = values.get((resp.data_element_id, year))
            if value is not None and value.status != ValueStatus.DRAFT:
                continue  # returned (above), submitted or approved
            when = due[(resp.data_element_id, year)]
            status = value.status if value else "missing"
            if indicator_selectors.is_overdue(
                status=status, due=when, year=year, window=window, today=today
            ):
                kind = "overdue"
            elif today <= when <= soon:
                kind = "due_soon"
            else:
                continue
            out[kind].append(Owed(kind, info.code, info.name, year, when, value))
    for items in out.values():
        items.sort(key=lambda o: (o.due, indicator_selectors.code_sort_key(o.code)))
    return out
