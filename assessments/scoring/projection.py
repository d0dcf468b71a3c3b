"""Where an indicator is heading: the progress measure of Statistics Canada as Open SDG implements
it (open-sdg/open-sdg, docs/progress-methodology.md), applied to the edition's numeric threshold.

Pure: plain values in, a :class:`Projection` out; no Django, no clock.

The method, for a threshold rule with target ``y_T`` to be reached by the target year ``t_T``
(here the application year, the year after the assessment year):

- the observed growth from the base year ``t_0`` (the first year with a counted value) to the
  latest ``t_i``: ``CAGR_o = (y_i / y_0) ** (1 / (t_i - t_0)) - 1``;
- the growth needed to reach the target on time: ``CAGR_T = (y_T / y_0) ** (1 / (t_T - t_0)) - 1``;
- their ratio, signed by the desired direction ``d`` (+1 for "at least", -1 for "at most"):
  ``R = d * CAGR_o / |CAGR_T|``, so that a move away from the target is negative whichever way
  the target lies from the base;
- the category: the latest value already meets the target → target achieved; otherwise
  ``R >= 0.95`` on track, ``0.60 <= R < 0.95`` acceleration needed, ``0 <= R < 0.60`` limited
  progress, ``R < 0`` deterioration.

An exponential model cannot handle values at or near zero, nor a series that changes sign; there
the same ratio is taken of linear rates (the slope observed, ``(y_i - y_0) / (t_i - t_0)``, and
the slope needed, ``(y_T - y_0) / (t_T - t_0)``), and the projection is a straight line. The
projection carries the value on at the observed rate from the latest year to the assessment
year and the year after.

Open SDG needs two years of values; here three are required (two points make any series a
"trend"). With fewer the projection says so (``insufficient_data``); an indicator whose rules have
no numeric threshold (yes/no, assigned target, no deterioration, falling trend) gets
``not_applicable``.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Mapping
from decimal import Decimal

from assessments.scoring.types import THRESHOLDS, Progress, Projection, RuleSpec

MIN_YEARS = 3

# The lower bound of each category for R (Statistics Canada, "Ratio of observed over required
# growth rate"): on track, acceleration needed, limited progress; below the last: deterioration.
ON_TRACK, ACCELERATION_NEEDED, LIMITED_PROGRESS = THRESHOLDS

# A value is "near zero" when it is within this share of the largest of base, latest and target
# (or at or below zero): the exponential model is then replaced by the linear one.
NEAR_ZERO_SHARE = Decimal("0.01")

CAGR = "cagr"
LINEAR = "linear"

DIRECTIONS = {">=": 1, ">": 1, "<=": -1, "<": -1}

_RATE = Decimal("0.000001")  # rates and ratios are kept to six places
_VALUE = Decimal("0.0001")  # projected values to four


def threshold_rule(rules: tuple[RuleSpec, ...]) -> RuleSpec | None:
    """The first rule that is a numeric threshold with a direction (≥, >, ≤, <)."""
    return next(
        (
            rule
            for rule in rules
            if rule.kind == "threshold" and rule.value is not None and rule.operator in DIRECTIONS
        ),
        None,
    )


def project(
    rules: tuple[RuleSpec, ...],
    counted: Mapping[int, Decimal | bool],
    year: int,
    *,
    numeric: bool = True,
) -> Projection:
    """The progress of a series (``counted``: year → counted value) towards its threshold rule,
    seen from the assessment ``year``; the target year is the year after it."""
    rule = threshold_rule(rules) if numeric else None
    if rule is None:
        return Projection(Progress.NOT_APPLICABLE)
    target, direction, target_year = Decimal(rule.value), DIRECTIONS[rule.operator], year + 1
    known = {"operator": rule.operator, "target": target, "target_year": target_year}
    points = sorted(
        (y, v)
        for y, v in counted.items()
        if y <= year and isinstance(v, Decimal) and not isinstance(v, bool)
    )
    if len(points) < MIN_YEARS:
        return Projection(
            Progress.INSUFFICIENT_DATA,
            direction=direction,
            years=tuple(y for y, _ in points),
            **known,
        )
    (base_year, base), (latest_year, latest) = points[0], points[-1]
    with decimal.localcontext() as ctx:
        ctx.prec = 28
        method = LINEAR if _near_zero(base, latest, target) else CAGR
        observed = _rate(method, base, latest, latest_year - base_year)
        required = _rate(method, base, target, target_year - base_year)
        status, ratio = _category(
            _meets(latest, rule.operator, target), direction, observed, required
        )
        projected = tuple(
            (t, _extend(method, latest, observed, t - latest_year).quantize(_VALUE))
            for t in (year, year + 1)
        )
    return Projection(
        status,
        method=method,
        direction=direction,
        years=tuple(y for y, _ in points),
        base_year=base_year,
        base_value=base,
        latest_year=latest_year,
        latest_value=latest,
        observed_rate=observed.quantize(_RATE),
        required_rate=required.quantize(_RATE),
        ratio=None if ratio is None else ratio.quantize(_RATE),
        projected=projected,
        **known,
    )


def _near_zero(*values: Decimal) -> bool:
    scale = max(abs(v) for v in values)
    return any(v <= 0 or abs(v) <= NEAR_ZERO_SHARE * scale for v in values)


def _rate(method: str, start: Decimal, end: Decimal, years: int) -> Decimal:
    if method == LINEAR:
        return (end - start) / years
    # The root in binary floating point (17 significant digits, far beyond the six places
    # shown and classified): a Decimal root to 28 digits cost a sixth of the engine's time.
    root = math.pow(float(end / start), 1.0 / years)
    return Decimal(repr(root)) - 1


def _extend(method: str, value: Decimal, rate: Decimal, years: int) -> Decimal:
    if method == LINEAR:
        return value + rate * years
    return value * (1 + rate) ** years


def _meets(value: Decimal, operator: str, target: Decimal) -> bool:
    return {
        ">=": value >= target,
        ">": value > target,
        "<=": value <= target,
        "<": value < target,
    }[operator]


def _category(
    achieved: bool, direction: int, observed: Decimal, required: Decimal
) -> tuple[Progress, Decimal | None]:
    if achieved:
        return Progress.TARGET_ACHIEVED, None
    if required == 0:
        # The base sat exactly on the target and the latest value fell short of it: any move
        # the right way is enough, a move the wrong way (the only way to miss it) deteriorates.
        return (Progress.ON_TRACK if direction * observed >= 0 else Progress.DETERIORATION), None
    # Classified as shown, to six places: a ratio of exactly 0.6 is not 0.5999… of a division.
    ratio = (direction * observed / abs(required)).quantize(_RATE)
    if ratio >= ON_TRACK:
        return Progress.ON_TRACK, ratio
    if ratio >= ACCELERATION_NEEDED:
        return Progress.ACCELERATION_NEEDED, ratio
    if ratio >= LIMITED_PROGRESS:
        return Progress.LIMITED_PROGRESS, ratio
    return Progress.DETERIORATION, ratio
