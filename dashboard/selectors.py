"""Reads behind the leaders' pages: each function answers in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from assessments.scoring import AssessmentResult
from assessments.selectors import Gap, gap_list  # noqa: F401  (the pages read them from here)
from indicators import selectors as indicator_selectors
from indicators.choices import ResponsibilityRole
from indicators.models import (
    AssignedTarget,
    Criterion,
    Department,
    FrameworkEdition,
    Indicator,
    IndicatorValue,
    Region,
    Responsibility,
)

STATUS_KEYS = ("met", "not_met", "missing", "pending", "not_applicable")


def top_level(edition: FrameworkEdition) -> list[Indicator]:
    return list(
        Indicator.objects.filter(edition=edition, parent__isnull=True)
        .select_related("task__domain")
        .order_by("order")
    )


def domain_counts(result: AssessmentResult, indicators: list[Indicator]) -> list[dict]:
    """Per domain, how many top-level indicators are met, not met, missing, pending or not
    applicable."""
    status = {i.code: i.status.value for i in result.indicators}
    domains: dict[int, dict] = {}
    for ind in indicators:
        domain = ind.task.domain
        entry = domains.setdefault(
            domain.pk,
            {"name": domain.name, "name_en": domain.name_en, **dict.fromkeys(STATUS_KEYS, 0)},
        )
        entry[status.get(ind.code, "missing")] += 1
    return list(domains.values())


@dataclass
class Completeness:
    department: Department
    expected: int = 0
    counts: Counter = field(
        default_factory=Counter
    )  # missing, draft, submitted, returned, approved
    overdue: int = 0


def completeness(
    region: Region,
    edition: FrameworkEdition,
    years: list[int],
    today: datetime.date,
    window=None,
) -> list[Completeness]:
    """What each department owes for the window: one cell per data element it leads × year,
    counted by the value's status, with the overdue ones (indicator_selectors.is_overdue:
    in the current assessment ``window`` — read when not given —, past the deadline, not
    submitted). Only elements the region owes count (indicator_selectors.owed_cells)."""
    if window is None:
        window = indicator_selectors.current_window(region, edition)
    rows: dict[int, Completeness] = {}
    for cell in indicator_selectors.owed_cells(region, edition, years):
        row = rows.setdefault(cell.department.pk, Completeness(cell.department))
        row.expected += 1
        row.counts[cell.status] += 1
        if indicator_selectors.is_overdue(
            status=cell.status, due=cell.due, year=cell.year, window=window, today=today
        ):
            row.overdue += 1
    return sorted(
        rows.values(), key=lambda r: (-r.overdue, -r.counts["missing"], r.department.code)
    )


def indicator_detail(region: Region, indicator: Indicator, user) -> dict:
    """An indicator with its sub-indicators, each with every year's value (with evidence and
    comments), its assigned targets and the departments that supply it."""
    members = list(
        Indicator.objects.filter(Q(pk=indicator.pk) | Q(parent=indicator))
        .select_related("data_element")
        .prefetch_related(prefetch_criteria())
        .order_by("order")
    )
    leaves = [m for m in members if m.data_element_id]
    element_ids = [m.data_element_id for m in leaves]
    values = (
        indicator_selectors.values_for_user(user)
        .filter(region=region, data_element_id__in=element_ids)
        .prefetch_related("evidence", "comments__author")
        .order_by("year")
    )
    by_element: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in values:
        by_element[value.data_element_id].append(value)
    targets: dict[int, dict[int, object]] = defaultdict(dict)
    for target in AssignedTarget.objects.filter(region=region, data_element_id__in=element_ids):
        targets[target.data_element_id][target.year] = target.target
    responsibilities = defaultdict(list)
    for resp in (
        Responsibility.objects.filter(region=region, data_element_id__in=element_ids)
        .select_related("department")
        .order_by("role", "department__code")
    ):
        responsibilities[resp.data_element_id].append(resp)
    criteria = {leaf.pk: indicator_selectors.criterion_for(leaf, region) for leaf in leaves}
    value_ids = [v.pk for vs in by_element.values() for v in vs]
    history: dict[int, list] = defaultdict(list)
    for entry in (
        IndicatorValue.history.filter(id__in=value_ids)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    ):
        history[entry.id].append(entry)
    return {
        "members": members,
        "leaves": leaves,
        "values": by_element,
        "targets": targets,
        "responsibilities": responsibilities,
        "criteria": criteria,
        "history": history,
    }


def prefetch_criteria():
    return Prefetch("criteria", queryset=Criterion.objects.prefetch_related("rules"))


def department_rows(
    region: Region,
    dept: Department,
    edition: FrameworkEdition,
    years: list[int],
    today: datetime.date,
    window=None,
) -> list[dict]:
    """What a department supplies: one row per data element (lead or supporting) the region
    owes under ``edition``, one cell per year with the value's status, deadline and whether it
    is overdue (indicator_selectors.is_overdue, in the current assessment ``window``)."""
    if window is None:
        window = indicator_selectors.current_window(region, edition)
    owed = indicator_selectors.owed_elements(region, edition)
    responsibilities = list(
        Responsibility.objects.filter(
            region=region, department=dept, data_element_id__in=owed
        ).select_related("data_element")
    )
    elements = [r.data_element for r in responsibilities]
    display = indicator_selectors.element_display(elements, region)
    values = {
        (v.data_element_id, v.year): v
        for v in IndicatorValue.objects.filter(
            region=region, data_element__in=elements, year__in=years
        )
    }
    due_dates = indicator_selectors.due_dates(region, elements, years)
    rows = []
    for resp in sorted(responsibilities, key=lambda r: display[r.data_element_id].sort_key):
        info = display[resp.data_element_id]
        lead = resp.role == ResponsibilityRole.LEAD
        cells = []
        for year in years:
            value = values.get((resp.data_element_id, year))
            status = value.status if value else "missing"
            due = due_dates[(resp.data_element_id, year)]
            cells.append(
                {
                    "year": year,
                    "value": value,
                    "status": status,
                    "due": due,
                    "overdue": indicator_selectors.is_overdue(
                        status=status, due=due, year=year, window=window, today=today, lead=lead
                    ),
                    "code": info.code,
                    "name": info.name,
                    "element": resp.data_element,
                    "lead": lead,
                }
            )
        rows.append(
            {
                "code": info.code,
                "name": info.name,
                "target": info.target,
                "element": resp.data_element,
                "role": resp.get_role_display(),
                "lead": lead,
                "indicator": info.indicator,
                "cells": cells,
            }
        )
    return rows
