"""Synthetic regions for comparisons, demonstrations and load tests.

Every synthetic region is flagged ``synthetic`` (shown as a badge wherever the region shows),
is named "…（合成）", has a code that GB/T 2260 does not use (province 99: 9999xx for the first
99, then 99nnnn up to ``MAX_SYNTHETIC`` — a province's worth), and every value it holds
cites ``SYNTHETIC_SOURCE``. Nothing here comes from a real district."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from indicators.choices import RuleKind, ValueKind, ValueStatus
from indicators.models import (
    AssignedTarget,
    Department,
    Indicator,
    IndicatorValue,
    Region,
    Responsibility,
)

MAX_SYNTHETIC = 1000


def synthetic_code(n: int) -> str:
    """The code of the n-th synthetic region: 999901…999999, then 990100…991000."""
    return f"9999{n:02d}" if n < 100 else f"99{n:04d}"


SYNTHETIC_SOURCE = "合成数据，非真实统计（synthetic, not real figures）"


def _rules_by_element(edition) -> dict[int, list]:
    rules: dict[int, list] = {}
    for ind in Indicator.objects.filter(
        edition=edition, data_element__isnull=False
    ).prefetch_related("criteria__rules"):
        rules[ind.data_element_id] = [r for c in ind.criteria.all() for r in c.rules.all()]
    return rules


def _series(element, rules, years, rng: random.Random) -> tuple[dict, dict]:
    """Plausible values for the years (and assigned targets where a rule wants one)."""
    if element.value_kind == ValueKind.BOOLEAN:
        return {y: rng.random() < 0.93 for y in years}, {}
    threshold = next((r for r in rules if r.kind == RuleKind.THRESHOLD), None)
    low = float(element.plausible_min if element.plausible_min is not None else 0)
    high = float(element.plausible_max if element.plausible_max is not None else 100)
    if threshold is not None and threshold.value is not None:
        centre = float(threshold.value) + (6 if element.direction != "lower" else -6)
        spread = 9.0
    else:
        centre, spread = low + (high - low) * rng.uniform(0.3, 0.7), (high - low) * 0.05
    step = spread * 0.15 * (1 if element.direction != "lower" else -1)
    values = {}
    for i, year in enumerate(years):
        raw = centre + rng.uniform(-spread, spread) + i * step
        if threshold is not None and threshold.operator == "=" and rng.random() < 0.85:
            raw = float(threshold.value)
        values[year] = Decimal(str(round(min(high, max(low, raw)), element.decimals)))
    targets = {}
    if any(r.kind == RuleKind.ASSIGNED_TARGET for r in rules):
        slack = 1.03 if element.direction == "lower" else 0.97
        targets = {
            y: Decimal(str(round(float(v) * slack, element.decimals))) for y, v in values.items()
        }
    return values, targets


@transaction.atomic
def create_synthetic_regions(
    *,
    count: int,
    actor,
    parent_code: str = "320400",
    template_code: str = "320404",
    years: tuple[int, ...] = (2019, 2020, 2021),
    seed: int = 2022,
) -> list[Region]:
    """Create (or leave in place) ``count`` synthetic districts modelled on the template
    region's departments and responsibilities, with approved synthetic values (up to
    ``MAX_SYNTHETIC``)."""
    if not 0 <= count <= MAX_SYNTHETIC:
        raise ValueError(f"count must be between 0 and {MAX_SYNTHETIC}")
    parent = Region.objects.get(code=parent_code)
    template = Region.objects.get(code=template_code)
    edition = template.edition
    rules = _rules_by_element(edition)
    regions = []
    for n in range(1, count + 1):
        code = synthetic_code(n)
        region, created = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": f"示例区{n:02d}（合成）",
                "name_en": f"Sample district {n:02d} (synthetic)",
                "level": template.level,
                "parent": parent,
                "terrain": template.terrain,
                "eco_zone": template.eco_zone,
                "coastal": template.coastal,
                "edition": edition,
                "synthetic": True,
            },
        )
        regions.append(region)
        if created:
            _populate(region, template, rules, years, actor, random.Random(seed + n))
    return regions


def _bureau(name: str, template: Region) -> str:
    """A department's name without the template district's: 钟楼区农业农村局 → 农业农村局."""
    short = template.name.rstrip("区县市")
    for prefix in ("中共", "常州市"):
        name = name.replace(prefix, "")
    return name.replace(template.name, "").replace(short, "") or name


def _populate(region, template, rules, years, actor, rng) -> None:
    originals = list(template.departments.all())
    copies = Department.objects.bulk_create(
        Department(
            region=region,
            code=d.code,
            name=f"{region.name}·{_bureau(d.name, template)}",
            name_en=d.name_en,
        )
        for d in originals
    )
    departments = {d.pk: copy for d, copy in zip(originals, copies, strict=True)}
    Responsibility.objects.bulk_create(
        Responsibility(
            region=region,
            data_element_id=r.data_element_id,
            department=departments[r.department_id],
            role=r.role,
            due_month=r.due_month,
            due_day=r.due_day,
        )
        for r in template.responsibilities.all()
    )
    now = timezone.now()
    values, targets = [], []
    for resp in template.responsibilities.filter(role="lead").select_related("data_element"):
        element = resp.data_element
        series, assigned = _series(element, rules.get(element.pk, []), years, rng)
        for year, raw in series.items():
            values.append(
                IndicatorValue(
                    region=region,
                    data_element=element,
                    year=year,
                    value=None if isinstance(raw, bool) else raw,
                    answer=raw if isinstance(raw, bool) else None,
                    status=ValueStatus.APPROVED,
                    source=SYNTHETIC_SOURCE,
                    entered_by=actor,
                    entered_at=now,
                    submitted_by=actor,
                    submitted_at=now,
                    reviewed_by=actor,
                    reviewed_at=now,
                )
            )
        targets += [
            AssignedTarget(
                region=region, data_element=element, year=y, target=t, document=SYNTHETIC_SOURCE
            )
            for y, t in assigned.items()
        ]
    bulk_create_with_history(
        values, IndicatorValue, default_user=actor, default_change_reason="synthetic data"
    )
    AssignedTarget.objects.bulk_create(targets)
