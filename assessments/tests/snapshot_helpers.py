"""Helpers shared by the snapshot and recompute tests: values written straight to the
database (when the workflow that led there is not under test), snapshots and their history."""

from __future__ import annotations

import datetime
from decimal import Decimal

from assessments import services
from assessments.models import AssessmentSnapshot
from indicators.choices import ValueStatus
from indicators.models import FrameworkEdition, IndicatorValue, Region
from tests.factories import element, make_value  # noqa: F401

NOW = datetime.datetime(2022, 3, 1, 9, 0, tzinfo=datetime.UTC)

STRAW = "straw_utilization_rate"  # 25.1, ≥ 90 %, reference, agriculture's
FILM = "agricultural_film_recovery_rate"  # 25.3, ≥ 80 %, reference, agriculture's
SEWAGE = "urban_sewage_treatment_rate"  # 29, ≥ 85 % for counties, binding, housing's
PM25 = "pm25_annual_mean"  # 7.2, assigned target, binding, ecology's


def write_value(
    region: Region,
    key: str,
    year: int,
    value: Decimal | int | str | None = 95,
    *,
    status: str = ValueStatus.APPROVED,
    answer: bool | None = None,
) -> IndicatorValue:
    """An approved value (unless told otherwise), written directly: no history, no signal."""
    return make_value(region, key, year, status=status, value=value, answer=answer)


def refresh(
    region: Region,
    edition: FrameworkEdition,
    year: int = 2021,
    mode: str = "official",
    now: datetime.datetime = NOW,
) -> AssessmentSnapshot:
    return services.snapshot_refresh(region=region, edition=edition, year=year, mode=mode, now=now)


def key_rows(region: Region, edition: FrameworkEdition, year: int = 2021, mode: str = "official"):
    """Every snapshot of one key, oldest first: the history of its verdict."""
    return AssessmentSnapshot.objects.filter(
        region=region, edition=edition, year=year, mode=mode
    ).order_by("as_of", "pk")


def current(region: Region, edition: FrameworkEdition, year: int = 2021, mode: str = "official"):
    return key_rows(region, edition, year, mode).get(is_current=True)


def indicator(snapshot: AssessmentSnapshot, code: str) -> dict:
    """One indicator's stored result."""
    return next(item for item in snapshot.result["indicators"] if item["code"] == code)
