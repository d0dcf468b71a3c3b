"""Computed indicators (as DHIS2 indicators: calculated, never entered) in the engine: the
formula over the inputs' values, missing and pending inputs, the base year, a division by zero,
and the explanation that shows the inputs and the arithmetic; and the threshold that must hold
in every year of the window (近三年均…).

Pure: no database. Assessment year 2021, window 2019–2021.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments.scoring import (
    AssessmentInput,
    IndicatorResult,
    IndicatorSpec,
    InputSpec,
    Mode,
    Observation,
    PassRule,
    RuleSpec,
    Status,
    assess,
)

YEAR = 2021
DECLINE = "(base(pm25_annual_mean) - pm25_annual_mean) / base(pm25_annual_mean) * 100"
SOURCE = "钟楼区创建工作报告"


def D(number) -> Decimal:
    return Decimal(str(number))


def obs(year: int, value, status: str = "approved") -> Observation:
    return Observation(year=year, status=status, value=D(value), source=SOURCE)


def pm25(*observations: Observation) -> InputSpec:
    return InputSpec(
        key="pm25_annual_mean",
        name="PM2.5年均浓度",
        name_en="PM2.5 annual mean concentration",
        unit="μg/m³",
        decimals=1,
        observations=tuple(observations),
    )


def decline(*observations: Observation, rules=None, **kw) -> IndicatorSpec:
    """7.2 as the editions define it: the decline in % against the base year."""
    fields = {
        "code": "7.2",
        "name": "PM2.5浓度下降幅度",
        "name_en": "Decline in PM2.5 concentration",
        "category": "binding",
        "value_kind": "percentage",
        "unit": "%",
        "direction": "higher",
        "decimals": 1,
        "formula": DECLINE,
        "inputs": (pm25(*observations),),
        "rules": tuple(rules or (RuleSpec(kind="threshold", operator=">=", value=D(20)),)),
        "departments": ("常州市钟楼生态环境局",),
        "departments_en": ("Ecology and Environment Bureau",),
    }
    return IndicatorSpec(**(fields | kw))


def result(spec: IndicatorSpec, mode=Mode.OFFICIAL, window: int = 3) -> IndicatorResult:
    inp = AssessmentInput(
        region_code="320404",
        region_name="钟楼区",
        edition_code="test",
        year=YEAR,
        mode=mode,
        pass_rule=PassRule(window_years=window),
        indicators=(spec,),
    )
    return assess(inp).indicators[0]


# ---------------------------------------------------------------- the value


def test_the_decline_is_computed_from_the_base_year_and_this_years_means():
    r = result(decline(obs(2019, "47.4"), obs(2021, "36.9")))
    assert r.value == (D("47.4") - D("36.9")) / D("47.4") * 100
    assert (r.status, r.value_text, r.years_used) == (Status.MET, "22.2%", (2021,))


def test_the_explanation_shows_the_inputs_and_the_arithmetic():
    r = result(decline(obs(2019, "47.4"), obs(2021, "36.9")))
    assert r.explanation == (
        "2021年PM2.5浓度下降幅度 = (47.4 − 36.9) ÷ 47.4 × 100 = 22.2%"
        "（2019年PM2.5年均浓度47.4 μg/m³、2021年PM2.5年均浓度36.9 μg/m³）；"
        "2021年PM2.5浓度下降幅度为22.2%，目标≥20%，达标。"
    )
    assert r.explanation_en.startswith(
        "Decline in PM2.5 concentration in 2021 = (47.4 − 36.9) ÷ 47.4 × 100 = 22.2% (from "
        "PM2.5 annual mean concentration 47.4 μg/m³ in 2019, PM2.5 annual mean concentration "
        "36.9 μg/m³ in 2021)"
    )


def test_no_sentence_calls_the_concentration_a_decline():
    r = result(decline(obs(2019, "47.4"), obs(2021, "36.9")))
    assert "PM2.5浓度下降幅度为36.9" not in r.explanation
    assert "下降幅度为22.2%" in r.explanation
    assert "μg/m³" not in r.value_text


def test_the_sources_are_those_of_the_input_values_used():
    r = result(decline(obs(2019, "47.4"), obs(2021, "36.9")))
    assert r.sources == (SOURCE,)


def test_a_fixed_base_year_is_read_even_outside_the_window():
    r = result(decline(obs(2015, "60"), obs(2019, "47.4"), obs(2021, "45"), base_year=2015))
    assert r.value == D(25)
    assert "2015年PM2.5年均浓度60 μg/m³" in r.explanation


def test_a_decline_below_the_target_is_not_met_with_its_gap():
    r = result(decline(obs(2019, "40"), obs(2021, "36")))  # 10 % against ≥ 20 %
    assert (r.status, r.gap) == (Status.NOT_MET, D(10))


# ---------------------------------------------------------------- missing inputs


def test_a_missing_base_year_value_is_missing_for_the_base_year():
    r = result(decline(obs(2021, "36.9")))
    assert (r.status, r.missing_years) == (Status.MISSING, (2019,))
    assert r.explanation == "缺少2019年数据，应由常州市钟楼生态环境局提供。"


def test_an_input_awaiting_review_is_pending_in_the_official_mode_only():
    spec = decline(obs(2019, "47.4"), obs(2021, "36.9", "submitted"))
    official, provisional = result(spec), result(spec, Mode.PROVISIONAL)
    assert (official.status, official.missing_years) == (Status.PENDING, (2021,))
    assert provisional.status == Status.MET


def test_a_zero_divisor_leaves_the_year_missing_with_the_reason_and_no_owner():
    r = result(decline(obs(2019, "0"), obs(2021, "36.9")))
    assert (r.status, r.missing_years) == (Status.MISSING, ())
    assert "除数为0" in r.explanation
    assert "division by zero" in r.explanation_en


def test_a_formula_that_cannot_be_read_is_missing_with_the_reason():
    r = result(decline(obs(2019, "47.4"), obs(2021, "36.9"), formula="(pm25_annual_mean"))
    assert r.status == Status.MISSING
    assert "计算公式有误" in r.explanation


def test_a_formula_reading_an_undeclared_element_is_missing_with_the_reason():
    r = result(decline(obs(2021, "36.9"), formula="pm25_annual_mean / gdp"))
    assert r.status == Status.MISSING
    assert "gdp" in r.explanation


# ---------------------------------------------------------------- rules over computed values


def test_assigned_target_and_stability_read_the_computed_decline():
    rules = (RuleSpec(kind="assigned_target"), RuleSpec(kind="no_deterioration"))
    spec = decline(
        obs(2019, "47.4"), obs(2021, "36.9"), rules=rules, assigned_targets=((2021, D(15)),)
    )
    r = result(spec)
    # The decline in 2019 against itself is 0 %; 22.2 % in 2021 is no deterioration.
    assert (r.status, r.years_used) == (Status.MET, (2019, 2021))
    assert "上级下达目标≥15%" in r.explanation


def test_a_ratio_reported_as_numerator_and_denominator():
    spec = IndicatorSpec(
        code="37",
        name="政府绿色采购比例",
        name_en="Green procurement share",
        category="binding",
        value_kind="percentage",
        unit="%",
        direction="higher",
        formula="green_procurement / procurement * 100",
        inputs=(
            InputSpec("green_procurement", "绿色采购额", unit="万元", observations=(obs(2021, 9),)),
            InputSpec("procurement", "政府采购总额", unit="万元", observations=(obs(2021, 10),)),
        ),
        rules=(RuleSpec(kind="threshold", operator=">=", value=D(80)),),
    )
    r = result(spec)
    assert (r.status, r.value_text) == (Status.MET, "90%")
    assert (
        "9 ÷ 10 × 100 = 90%（2021年绿色采购额9 万元、2021年政府采购总额10 万元）" in r.explanation
    )


def test_a_ratio_without_its_denominator_is_missing_that_year():
    spec = IndicatorSpec(
        code="R",
        name="比例",
        name_en="Share",
        category="reference",
        value_kind="percentage",
        unit="%",
        formula="a / b * 100",
        inputs=(InputSpec("a", "分子", observations=(obs(2021, 9),)), InputSpec("b", "分母")),
        rules=(RuleSpec(kind="threshold", operator=">=", value=D(80)),),
    )
    r = result(spec)
    # b was never entered in 2021, though a was: missing, not pending.
    assert (r.status, r.missing_years) == (Status.MISSING, (2021,))


# ---------------------------------------------------------------- every year of the window


def every_year(values: dict[int, object], span: str = "window") -> IndicatorSpec:
    rule = RuleSpec(kind="threshold", operator=">=", value=D(90), span=span)
    return IndicatorSpec(
        code="38",
        name="党政领导干部参加生态文明培训的人数比例",
        name_en="Officials trained",
        category="reference",
        value_kind="percentage",
        unit="%",
        direction="higher",
        rules=(rule,),
        observations=tuple(obs(year, value) for year, value in values.items()),
    )


@pytest.mark.parametrize(
    ("values", "expected", "gap"),
    [
        ({2019: 90, 2020: 95, 2021: 100}, Status.MET, None),  # equal to the threshold counts
        ({2019: 85, 2020: 95, 2021: 100}, Status.NOT_MET, D(5)),  # an early year fell short
        ({2019: 80, 2020: 88, 2021: 100}, Status.NOT_MET, D(10)),  # the largest shortfall
    ],
)
def test_a_window_threshold_needs_every_year_to_meet_it(values, expected, gap):
    r = result(every_year(values))
    assert (r.status, r.gap, r.years_used) == (expected, gap, (2019, 2020, 2021))


def test_a_window_threshold_names_the_years_that_fell_short():
    r = result(every_year({2019: 85, 2020: 95, 2021: 100}))
    assert "评估期内每年均须达到≥90%，2019年未达到，未达标" in r.explanation
    assert "not reached in 2019" in r.explanation_en


def test_a_window_threshold_with_a_year_missing_is_missing_that_year():
    r = result(every_year({2019: 95, 2021: 100}))
    assert (r.status, r.missing_years) == (Status.MISSING, (2020,))


def test_the_default_threshold_reads_only_the_assessment_year():
    r = result(every_year({2019: 10, 2021: 100}, span="year"))
    assert (r.status, r.years_used) == (Status.MET, (2021,))


def test_a_window_threshold_over_a_one_year_window_reads_that_year():
    r = result(every_year({2021: 100}), window=1)
    assert (r.status, r.years_used) == (Status.MET, (2021,))


def test_an_unknown_span_is_a_configuration_error():
    with pytest.raises(ValueError, match="span"):
        result(every_year({2021: 100}, span="decade"))
