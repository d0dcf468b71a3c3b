"""Reads behind the entry form, in a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from indicators import selectors as indicator_selectors
from indicators.choices import ResponsibilityRole, ValueStatus
from indicators.models import (
    DataElement,
    Department,
    Evidence,
    Indicator,
    IndicatorValue,
    Region,
    Responsibility,
    Task,
)
from indicators.permissions import EDITABLE_STATUSES, locked_years


def deadline(
    region: Region, responsibilities: list[Responsibility], year: int
) -> datetime.date | None:
    """When the department's values of ``year`` are due: the earliest deadline (kept as data,
    ``indicators.selectors.due_dates``) of the elements it leads."""
    leads = {r.data_element_id: r for r in responsibilities if r.role == ResponsibilityRole.LEAD}
    if not leads:
        return None
    return min(indicator_selectors.due_dates(region, leads, [year], leads=leads).values())


def input_text(element: DataElement, value: IndicatorValue | None) -> str:
    """A stored value as the form's input shows it: 82.5 (not 82.5000), yes / no."""
    if value is None:
        return ""
    if value.answer is not None:
        return "yes" if value.answer else "no"
    if value.value is None:
        return ""
    text = format(value.value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class Row:
    """One data element of the form: what the department enters (``editable``) or sees."""

    element: DataElement
    indicator: Indicator
    parent: Indicator | None
    target: str
    lead: bool
    value: IndicatorValue | None
    earlier: list[tuple[int, str]]
    previous: Decimal | None  # last year's value, for the plausibility check
    editable: bool
    raw: str = ""
    source: str = ""
    note: str = ""
    version: int | None = None
    comment: str = ""
    submit: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stale: bool = False

    @property
    def status(self) -> str:
        return self.value.status if self.value else "missing"

    @property
    def evidence(self) -> list[Evidence]:
        return list(self.value.evidence.all()) if self.value else []

    @property
    def complete(self) -> bool:
        return self.value is not None and not self.value.is_empty


@dataclass
class Group:
    domain: object
    rows: list[Row]


@dataclass
class EntrySheet:
    region: Region
    department: Department
    year: int
    groups: list[Group]
    rows: dict[int, Row]
    deadline: datetime.date | None
    locked: bool
    progress: dict[str, int]


def entry_sheet(
    region: Region, department: Department, year: int, *, may_enter: bool, only_supported=False
) -> EntrySheet:
    """Every data element ``department`` leads or supports that ``region`` owes under its
    edition (``applicability``), with the year's value and the two years before. Lead rows are
    ``editable`` when ``may_enter``, the year is open and the value is a draft, returned or not
    yet entered; supporting rows are read-only. With ``only_supported``, supporting rows only
    (what another department's clerk may see)."""
    edition = indicator_selectors.region_edition(region)
    answers = indicator_selectors.applicability(region, edition) if edition else {}
    owed = {
        a.indicator.data_element_id: a
        for a in answers.values()
        if a.applies and a.indicator.data_element_id
    }
    responsibilities = list(
        Responsibility.objects.filter(
            region=region, department=department, data_element_id__in=list(owed)
        ).select_related("data_element")
    )
    if only_supported:
        responsibilities = [r for r in responsibilities if r.role != ResponsibilityRole.LEAD]
    element_ids = [r.data_element_id for r in responsibilities]
    values = {
        (v.data_element_id, v.year): v
        for v in IndicatorValue.objects.filter(
            region=region, data_element_id__in=element_ids, year__in=[year - 2, year - 1, year]
        )
        .select_related("entered_by", "data_element")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))
    }
    tasks = (
        {t.pk: t for t in Task.objects.filter(edition=edition).select_related("domain")}
        if edition
        else {}
    )
    by_pk = {pk: a.indicator for pk, a in answers.items()}
    locked = year in locked_years(region.pk, [year])
    rows: dict[int, Row] = {}
    for resp in responsibilities:
        answer = owed[resp.data_element_id]
        ind, element = answer.indicator, resp.data_element
        value = values.get((element.pk, year))
        last = values.get((element.pk, year - 1))
        lead = resp.role == ResponsibilityRole.LEAD
        rows[element.pk] = Row(
            element=element,
            indicator=ind,
            parent=by_pk.get(ind.parent_id),
            target=answer.criterion.target_text if answer.criterion else "",
            lead=lead,
            value=value,
            earlier=[
                (y, values[element.pk, y].display() if (element.pk, y) in values else "—")
                for y in (year - 2, year - 1)
            ],
            previous=last.value if last else None,
            editable=may_enter
            and lead
            and not locked
            and (value is None or value.status in EDITABLE_STATUSES),
            raw=input_text(element, value),
            source=value.source if value else "",
            note=value.note if value else "",
            version=value.version if value else None,
        )
    ordered = sorted(
        rows.values(), key=lambda r: indicator_selectors.code_sort_key(r.indicator.code)
    )
    groups: list[Group] = []
    for row in ordered:
        domain = tasks[row.indicator.task_id].domain if row.indicator.task_id in tasks else None
        if not groups or groups[-1].domain != domain:
            groups.append(Group(domain, []))
        groups[-1].rows.append(row)
    return EntrySheet(
        region=region,
        department=department,
        year=year,
        groups=groups,
        rows=rows,
        deadline=deadline(region, responsibilities, year),
        locked=locked,
        progress=progress([r for r in rows.values() if r.lead]),
    )


def progress(rows: list[Row]) -> dict[str, int]:
    """Of the rows the department leads: how many are entered, submitted (or approved) and
    approved, with percentages of the total for the bar."""
    counts = Counter()
    for row in rows:
        status = row.status
        counts["entered"] += row.complete
        counts["submitted"] += status in (ValueStatus.SUBMITTED, ValueStatus.APPROVED)
        counts["approved"] += status == ValueStatus.APPROVED
    total = len(rows)
    out = {"total": total, **{k: counts[k] for k in ("entered", "submitted", "approved")}}
    for key in ("entered", "submitted", "approved"):
        out[f"{key}_pct"] = round(100 * out[key] / total) if total else 0
    return out
