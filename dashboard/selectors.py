"""Reads behind the leaders' pages: each function answers in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from assessments.scoring import AssessmentResult, IndicatorResult, MissingPiece
from indicators import selectors as indicator_selectors
from indicators.choices import ResponsibilityRole, ValueStatus
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

PROBLEM_ORDER = {"not_met": 0, "missing": 1, "pending": 2}
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


@dataclass(frozen=True)
class Gap:
    """A top-level indicator standing in the way, with exactly what it lacks and who owes each
    piece (the engine's MissingItem: values → their lead department or, submitted, the
    reviewers; assigned targets → the creation office; region attributes → the administrator).
    """

    indicator: IndicatorResult
    pieces: tuple[MissingPiece, ...]
    owners: tuple[str, ...]
    owners_en: tuple[str, ...]
    missing_years: tuple[int, ...]


def gap_list(result: AssessmentResult) -> list[Gap]:
    """Top-level indicators standing in the way: binding first, then not met before missing."""
    code_order = {i.code: n for n, i in enumerate(result.indicators)}
    missing = {m.code: m for m in result.missing}
    rows = []
    for item in result.indicators:
        if item.parent_code is not None or item.status.value not in PROBLEM_ORDER:
            continue
        owed = missing.get(item.code)
        rows.append(
            Gap(
                indicator=item,
                pieces=owed.pieces if owed else item.missing,
                owners=owed.owners if owed else (),
                owners_en=owed.owners_en if owed else (),
                missing_years=owed.years if owed else item.missing_years,
            )
        )
    return sorted(
        rows,
        key=lambda g: (
            g.indicator.category != "binding",
            PROBLEM_ORDER[g.indicator.status.value],
            code_order[g.indicator.code],
        ),
    )


@dataclass
class Completeness:
    department: Department
    expected: int = 0
    counts: Counter = field(
        default_factory=Counter
    )  # missing, draft, submitted, returned, approved
    overdue: int = 0


def completeness(
    region: Region, edition: FrameworkEdition, years: list[int], today: datetime.date
) -> list[Completeness]:
    """What each department owes for the window: one cell per data element it leads × year,
    counted by the value's status, with the overdue ones (past the due day, not submitted).
    Only elements the region owes count (indicator_selectors.owed_elements)."""
    elements = indicator_selectors.owed_elements(region, edition)
    leads = (
        Responsibility.objects.filter(
            region=region, role=ResponsibilityRole.LEAD, data_element_id__in=elements
        )
        .select_related("department")
        .order_by("department__code")
    )
    status = {
        (v.data_element_id, v.year): v.status
        for v in IndicatorValue.objects.filter(
            region=region, data_element_id__in=elements, year__in=years
        ).only("data_element_id", "year", "status")
    }
    rows: dict[int, Completeness] = {}
    for resp in leads:
        row = rows.setdefault(resp.department_id, Completeness(resp.department))
        for year in years:
            state = status.get((resp.data_element_id, year), "missing")
            row.expected += 1
            row.counts[state] += 1
            unsent = state in ("missing", ValueStatus.DRAFT, ValueStatus.RETURNED)
            if unsent and resp.due_date(year) < today:
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
) -> list[dict]:
    """What a department supplies: one row per data element (lead or supporting) the region
    owes under ``edition``, one cell per year with the value's status, due date and whether it
    is overdue."""
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
    rows = []
    for resp in sorted(responsibilities, key=lambda r: display[r.data_element_id].sort_key):
        info = display[resp.data_element_id]
        cells = []
        for year in years:
            value = values.get((resp.data_element_id, year))
            status = value.status if value else "missing"
            due = resp.due_date(year)
            lead = resp.role == ResponsibilityRole.LEAD
            cells.append(
                {
                    "year": year,
                    "value": value,
                    "status": status,
                    "due": due,
                    "overdue": lead
                    and status in ("missing", ValueStatus.DRAFT, ValueStatus.RETURNED)
                    and due < today,
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
                "lead": resp.role == ResponsibilityRole.LEAD,
                "indicator": info.indicator,
                "cells": cells,
            }
        )
    return rows
