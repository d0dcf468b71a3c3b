"""The projection (assessments.scoring.projection): Statistics Canada's progress measure as Open
SDG implements it, against hand-computed cases, and its place in the engine's result.

Pure: no database. The assessment year is 2023 unless a test says otherwise, so the target year
(the application year) is 2024.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from assessments.scoring import (
    AssessmentInput,
    IndicatorSpec,
    Mode,
    Observation,
    PassRule,
    Progress,
    RuleSpec,
    assess,
    result_from_dict,
    result_to_dict,
)
from assessments.scoring.projection import CAGR, LINEAR, project

YEAR = 2023


def D(number) -> Decimal:
    return Decimal(str(number))


def at_least(value) -> tuple[RuleSpec, ...]:
    return (RuleSpec(kind="threshold", operator=">=", value=D(value)),)


def at_most(value) -> tuple[RuleSpec, ...]:
    return (RuleSpec(kind="threshold", operator="<=", value=D(value)),)


def values(*numbers, start: int = 2021) -> dict[int, Decimal]:
    return {start + i: D(n) for i, n in enumerate(numbers)}


def close(actual: Decimal | None, expected: float) -> bool:
    return actual is not None and math.isclose(float(actual), expected, abs_tol=2e-6)


# ---------------------------------------------------------------- the documented method


def test_worked_example_of_the_documented_method_an_increase_that_needs_acceleration():
    """The method of open-sdg/open-sdg docs/progress-methodology.md ("Indicators with
    quantitative targets"), worked by hand:

    values 80 (2021), 84 (2022), 88.2 (2023); target ≥ 95 by 2024.
    CAGR_o = (88.2 / 80) ** (1/2) − 1 = 1.1025 ** 0.5 − 1 = 0.05
    CAGR_T = (95 / 80) ** (1/3) − 1 = 1.1875 ** (1/3) − 1 = 0.058955…
    R = +1 × 0.05 / 0.058955 = 0.8481…, and 0.60 ≤ R < 0.95: "progress made but acceleration
    needed" (需加快). The value carried on at 5 % a year: 88.2 in 2023, 92.61 in 2024.
    """
    p = project(at_least(95), values(80, 84, 88.2), YEAR)
    assert p.status == Progress.ACCELERATION_NEEDED
    assert p.method == CAGR
    assert (p.base_year, p.base_value, p.latest_year, p.latest_value) == (2021, 80, 2023, D(88.2))
    assert p.years == (2021, 2022, 2023)
    assert p.target == 95 and p.target_year == 2024 and p.direction == 1
    assert close(p.observed_rate, 0.05)
    assert close(p.required_rate, 1.1875 ** (1 / 3) - 1)
    assert close(p.ratio, 0.05 / (1.1875 ** (1 / 3) - 1))
    assert p.projected == ((2023, D("88.2000")), (2024, D("92.6100")))
    assert p.thresholds == (D("0.95"), D("0.60"), D("0"))


def test_on_track_when_the_observed_growth_is_at_least_95_percent_of_the_required():
    # CAGR_T = 1.15 ** (1/3) − 1 = 0.047690; R = 0.05 / 0.047690 = 1.0484
    p = project(at_least(92), values(80, 84, 88.2), YEAR)
    assert p.status == Progress.ON_TRACK
    assert close(p.ratio, 0.05 / (1.15 ** (1 / 3) - 1))


def test_limited_progress_when_the_ratio_is_below_60_percent():
    # CAGR_o = (81/80) ** 0.5 − 1 = 0.006231; R = 0.006231 / 0.058955 = 0.1057
    p = project(at_least(95), values(80, 80.5, 81), YEAR)
    assert p.status == Progress.LIMITED_PROGRESS
    assert close(p.ratio, ((81 / 80) ** 0.5 - 1) / (1.1875 ** (1 / 3) - 1))


def test_deterioration_when_the_value_moves_away_from_the_target():
    p = project(at_least(95), values(80, 79, 78), YEAR)
    assert p.status == Progress.DETERIORATION
    assert p.ratio < 0


def test_target_achieved_when_the_latest_value_meets_the_threshold_whatever_the_trend():
    p = project(at_least(95), values(99, 97, 96), YEAR)
    assert p.status == Progress.TARGET_ACHIEVED
    assert p.ratio is None
    assert p.observed_rate < 0  # falling, but the target is met


def test_the_decrease_variant_reads_the_growth_with_the_sign_of_the_desired_direction():
    """A "reduce to" target (the documentation's d = −1): 50, 45, 40.5 against ≤ 30.
    CAGR_o = (40.5/50) ** 0.5 − 1 = −0.1; CAGR_T = 0.6 ** (1/3) − 1 = −0.156567;
    R = −1 × −0.1 / 0.156567 = 0.6387: acceleration needed. Projected: 40.5, 36.45."""
    p = project(at_most(30), values(50, 45, 40.5), YEAR)
    assert p.status == Progress.ACCELERATION_NEEDED
    assert p.direction == -1
    assert close(p.ratio, 0.1 / abs(0.6 ** (1 / 3) - 1))
    assert p.projected == ((2023, D("40.5000")), (2024, D("36.4500")))


def test_a_base_already_past_the_target_and_a_latest_value_that_is_not_deteriorates():
    # ≤ 30: 28 met it, 31 does not. CAGR_T > 0 points away from the desired direction; the
    # ratio uses its magnitude, so rising (the wrong way) is negative.
    p = project(at_most(30), values(28, 29, 31), YEAR)
    assert p.status == Progress.DETERIORATION
    assert p.ratio < 0


def test_a_base_exactly_on_the_target_then_falling_short_deteriorates_without_a_ratio():
    p = project(at_least(90), values(90, 89, 88), YEAR)
    assert p.status == Progress.DETERIORATION
    assert p.required_rate == 0 and p.ratio is None


# ---------------------------------------------------------------- the linear variant near zero


def test_a_target_of_zero_uses_the_linear_trend():
    """6, 4, 2 towards ≤ 0: slopes −2 observed, (0 − 6)/3 = −2 required; R = 1: on track,
    and the straight line reaches 0 in 2024."""
    p = project(at_most(0), values(6, 4, 2), YEAR)
    assert p.method == LINEAR
    assert p.status == Progress.ON_TRACK
    assert p.observed_rate == D(-2) and p.required_rate == D(-2) and p.ratio == 1
    assert p.projected == ((2023, D("2.0000")), (2024, D("0.0000")))


def test_a_base_of_zero_uses_the_linear_trend_and_60_percent_is_acceleration_needed():
    """0, 1, 2 towards ≥ 5: slope 1 observed, 5/3 required; R = 0.6 exactly, the lower bound
    of "acceleration needed"."""
    p = project(at_least(5), values(0, 1, 2), YEAR)
    assert p.method == LINEAR
    assert p.ratio == D("0.6")
    assert p.status == Progress.ACCELERATION_NEEDED


def test_a_value_near_zero_compared_with_the_target_uses_the_linear_trend():
    p = project(at_least(100), values("0.5", 20, 40), YEAR)
    assert p.method == LINEAR


# ---------------------------------------------------------------- not enough data, not applicable


def test_fewer_than_three_years_of_values_says_so():
    p = project(at_least(95), values(80, 84, start=2022), YEAR)
    assert p.status == Progress.INSUFFICIENT_DATA
    assert p.years == (2022, 2023)
    assert p.ratio is None and p.projected == ()
    assert p.target == 95  # the target is still named


def test_values_after_the_assessment_year_are_not_read():
    p = project(at_least(95), values(80, 84, 88, 99), 2023)
    assert p.latest_year == 2023 and p.status != Progress.TARGET_ACHIEVED


def test_a_missing_assessment_year_is_projected_from_the_latest_value():
    p = project(at_least(95), values(80, 84, 88.2, start=2020), 2023)
    assert p.latest_year == 2022
    assert [year for year, _ in p.projected] == [2023, 2024]
    assert p.projected[0][1] == D("92.6100")


@pytest.mark.parametrize(
    "rules",
    [
        (RuleSpec(kind="no_deterioration"),),
        (RuleSpec(kind="assigned_target"),),
        (RuleSpec(kind="qualitative"),),
        (RuleSpec(kind="threshold", operator="=", value=D(1)),),
        (),
    ],
)
def test_rules_without_a_numeric_threshold_are_not_applicable(rules):
    assert project(rules, values(80, 84, 88), YEAR).status == Progress.NOT_APPLICABLE


def test_a_yes_no_indicator_is_not_applicable():
    p = project(at_least(1), {2021: True, 2022: True, 2023: True}, YEAR, numeric=False)
    assert p.status == Progress.NOT_APPLICABLE


# ---------------------------------------------------------------- in the engine's result


def _spec(code, rules, numbers=(), **kw) -> IndicatorSpec:
    return IndicatorSpec(
        code=code,
        name=code,
        name_en=code,
        category="reference",
        value_kind=kw.pop("value_kind", "percentage"),
        unit="%",
        direction="higher",
        rules=rules,
        observations=tuple(
            Observation(year=2021 + i, status="approved", value=D(n)) for i, n in enumerate(numbers)
        ),
        **kw,
    )


def _assess(*specs):
    return assess(
        AssessmentInput(
            region_code="320404",
            region_name="钟楼区",
            edition_code="2019",
            year=YEAR,
            mode=Mode.OFFICIAL,
            pass_rule=PassRule(),
            indicators=specs,
        )
    )


def test_every_applicable_leaf_carries_its_projection_and_it_survives_the_stored_json():
    result = _assess(
        IndicatorSpec(code="1", name="1", name_en="1", category="binding"),
        _spec("1.1", at_least(95), (80, 84, 88.2), parent_code="1"),
        _spec("2", at_least(95), (80,)),
        _spec("3", at_least(95), (80, 84, 88.2), not_applicable="声明不适用"),
    )
    by_code = {i.code: i for i in result.indicators}
    assert by_code["1"].projection is None  # a parent
    assert by_code["1.1"].projection.status == Progress.ACCELERATION_NEEDED
    assert by_code["2"].projection.status == Progress.INSUFFICIENT_DATA
    assert by_code["3"].projection is None  # does not apply
    assert result_from_dict(result_to_dict(result)) == result


def test_a_pending_value_does_not_count_towards_the_official_projection():
    spec = _spec("1", at_least(95), (80, 84))
    spec = IndicatorSpec(
        **{
            **spec.__dict__,
            "observations": (
                *spec.observations,
                Observation(year=2023, status="submitted", value=D("88.2")),
            ),
        }
    )
    assert _assess(spec).indicators[0].projection.status == Progress.INSUFFICIENT_DATA
