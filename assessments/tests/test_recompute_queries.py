"""Scoring one region-year takes the same number of queries whatever the number of
indicators, values or years."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.inputs import build_input
from assessments.models import AssessmentSnapshot
from indicators.choices import DeclarationStatus, ValueKind, ValueStatus
from indicators.models import (
    AssignedTarget,
    Criterion,
    CriterionRule,
    DataElement,
    FrameworkEdition,
    Indicator,
    IndicatorValue,
    NotApplicableDeclaration,
    Region,
    Responsibility,
    VetoEvent,
)
from indicators.services import edition_copy

from .snapshot_helpers import refresh

pytestmark = pytest.mark.django_db

YEARS = range(2015, 2022)


def _count(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def _scoring_queries(region: Region, edition: FrameworkEdition, year: int = 2021) -> dict:
    """Queries to build the input alone, to store a first snapshot, to confirm it unchanged
    and to replace it after a change."""
    AssessmentSnapshot.objects.filter(region=region, edition=edition, year=year).delete()
    counts = {
        "build_input": _count(lambda: build_input(region, edition, year, "official")),
        "first": _count(lambda: refresh(region, edition, year)),
        "unchanged": _count(lambda: refresh(region, edition, year)),
    }
    # Any change of the inputs: a veto event outside the window (it is read, not counted).
    VetoEvent.objects.create(region=region, date=datetime.date(2001, 1, 1), kind="summons")
    counts["changed"] = _count(lambda: refresh(region, edition, year))
    VetoEvent.objects.filter(region=region, date=datetime.date(2001, 1, 1)).delete()
    return counts


def _fill(region: Region, edition: FrameworkEdition) -> None:
    """A value for every data element and year 2015–2021, an assigned target for each, a
    declaration and veto events: everything build_input reads, many times over."""
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            region=region,
            data_element=element,
            year=year,
            status=ValueStatus.APPROVED,
            value=None if element.value_kind == ValueKind.BOOLEAN else Decimal(50),
            answer=True if element.value_kind == ValueKind.BOOLEAN else None,
        )
        for element in DataElement.objects.all()
        for year in YEARS
    )
    AssignedTarget.objects.bulk_create(
        AssignedTarget(region=region, data_element=element, year=year, target=Decimal(40))
        for element in DataElement.objects.exclude(value_kind=ValueKind.BOOLEAN)
        for year in YEARS
    )
    manure = Indicator.objects.get(
        edition=edition, data_element__key="livestock_manure_utilization_rate"
    )
    NotApplicableDeclaration.objects.create(
        region=region, indicator=manure, reason="No livestock.", status=DeclarationStatus.APPROVED
    )
    VetoEvent.objects.bulk_create(
        VetoEvent(region=region, date=datetime.date(year, 3, 1), kind="summons") for year in YEARS
    )


def _grow(edition: FrameworkEdition, count: int, region: Region) -> None:
    """``count`` more indicators, each with its own data element, criterion, rule, lead
    department and seven years of values."""
    task = edition.tasks.first()
    department = region.departments.first()
    for n in range(count):
        element = DataElement.objects.create(
            key=f"extra_{n}", name=f"附加指标 {n}", value_kind=ValueKind.PERCENTAGE, unit="%"
        )
        indicator = Indicator.objects.create(
            edition=edition,
            task=task,
            code=f"X{n}",
            name=f"附加指标 {n}",
            category="reference",
            data_element=element,
            order=1000 + n,
        )
        criterion = Criterion.objects.create(indicator=indicator, target_text="≥60")
        CriterionRule.objects.create(criterion=criterion, kind="threshold", operator=">=", value=60)
        Responsibility.objects.create(region=region, data_element=element, department=department)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                region=region,
                data_element=element,
                year=year,
                status=ValueStatus.APPROVED,
                value=Decimal(70),
            )
            for year in YEARS
        )


def test_scoring_takes_as_many_queries_with_seven_years_of_every_value(zhonglou, catalogue):
    empty = _scoring_queries(zhonglou, catalogue)

    _fill(zhonglou, catalogue)
    full = _scoring_queries(zhonglou, catalogue)

    assert IndicatorValue.objects.filter(region=zhonglou).count() == 7 * DataElement.objects.count()
    assert full == empty


def test_scoring_takes_as_many_queries_for_a_bigger_edition(zhonglou, catalogue):
    shipped = _scoring_queries(zhonglou, catalogue)

    bigger = edition_copy(edition=FrameworkEdition.objects.get(code="national-2019"))
    _fill(zhonglou, bigger)
    _grow(bigger, 30, zhonglou)

    assert bigger.indicators.count() > catalogue.indicators.count() + 30
    assert _scoring_queries(zhonglou, bigger) == shipped


def test_scoring_an_earlier_year_takes_as_many_queries(zhonglou, catalogue):
    _fill(zhonglou, catalogue)

    assert _scoring_queries(zhonglou, catalogue, 2017) == _scoring_queries(
        zhonglou, catalogue, 2021
    )


def test_build_input_takes_a_fixed_handful_of_queries(zhonglou, catalogue):
    """Indicators with criteria and rules (3), the inputs of its computed indicators (7.2),
    values, targets, declarations, responsibilities, veto events: nine, whatever their
    number."""
    _fill(zhonglou, catalogue)

    assert _count(lambda: build_input(zhonglou, catalogue, 2021, "official")) == 9
