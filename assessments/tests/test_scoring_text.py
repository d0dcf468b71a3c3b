"""Numbers, gaps and sentences of the scoring engine, its input fingerprint and the JSON form
of its result. Pure: no database, no Django fixtures."""

from __future__ import annotations

import datetime
import json
from dataclasses import replace
from decimal import Decimal

import pytest

from assessments.scoring import (
    AssessmentInput,
    IndicatorResult,
    IndicatorSpec,
    Mode,
    Observation,
    PassRule,
    RuleSpec,
    Status,
    VetoEvent,
    assess,
    fingerprint,
    result_from_dict,
    result_to_dict,
)
from assessments.scoring.text import fmt_number, fmt_quantity, target_phrase

YEAR = 2021

# ---------------------------------------------------------------- builders


def obs(year: int, value: str, status: str = "approved") -> Observation:
    return Observation(year=year, status=status, value=Decimal(value))


def leaf(code: str, rules, observations=(), **kw) -> IndicatorSpec:
    fields = {
        "name": "秸秆综合利用率",
        "name_en": "Straw utilisation rate",
        "category": "reference",
        "value_kind": "percentage",
        "unit": "%",
        "direction": "higher",
        "target_text": "≥90",
        "target_text_en": "≥90",
        "departments": ("钟楼区农业农村局",),
        "departments_en": ("Zhonglou Agriculture and Rural Affairs Bureau",),
    }
    return IndicatorSpec(
        code=code, rules=tuple(rules), observations=tuple(observations), **(fields | kw)
    )


def pm25(observations, rules=None, **kw) -> IndicatorSpec:
    fields = {
        "name": "PM2.5浓度",
        "name_en": "PM2.5 concentration",
        "category": "binding",
        "value_kind": "number",
        "unit": "μg/m³",
        "direction": "lower",
        "target_text": "",
        "target_text_en": "",
        "departments": ("常州市钟楼生态环境局",),
        "departments_en": ("Ecology and Environment Bureau",),
    }
    rules = rules or [RuleSpec(kind="no_deterioration", tolerance=Decimal(0))]
    return leaf("7.2", rules, observations, **(fields | kw))


AT_LEAST_90 = RuleSpec(kind="threshold", operator=">=", value=Decimal(90))


def make_input(*specs, mode=Mode.OFFICIAL, vetoes=()) -> AssessmentInput:
    return AssessmentInput(
        region_code="320404",
        region_name="钟楼区",
        edition_code="jiangsu-county-2019",
        year=YEAR,
        mode=mode,
        pass_rule=PassRule(),
        indicators=tuple(specs),
        veto_events=tuple(vetoes),
    )


def result(spec: IndicatorSpec, mode=Mode.OFFICIAL) -> IndicatorResult:
    return assess(make_input(spec, mode=mode)).indicators[0]


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("number", "decimals", "expected"),
    [
        ("97.0", 1, "97"),
        ("31.20", 1, "31.2"),
        ("100", 1, "100"),
        ("36.94", 1, "36.9"),
        ("36.95", 1, "37"),  # half up, as yearbooks round
        ("0.125", 2, "0.13"),
        ("1234.5", 0, "1235"),
        ("-0.04", 1, "0"),
        ("97.0000", 1, "97"),
        ("0.5", 3, "0.5"),
    ],
)
def test_numbers_are_rounded_then_stripped_of_trailing_zeros(number, decimals, expected):
    assert fmt_number(Decimal(number), decimals) == expected


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("%", "97%"), ("μg/m³", "97 μg/m³"), ("", "97")],
)
def test_quantities_write_percent_without_a_space(unit, expected):
    assert fmt_quantity(Decimal("97.0"), unit, 1) == expected


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("≥90", "%", "≥90%"),
        ("100", "%", "100%"),
        ("≥ 90 %", "%", "≥ 90 %"),
        ("≥60", "", "≥60"),
        ("≤40", "μg/m³", "≤40 μg/m³"),
        ("完成上级规定的考核任务", "%", "完成上级规定的考核任务"),
    ],
)
def test_criterion_targets_get_the_unit_when_they_end_on_a_number(text, unit, expected):
    assert target_phrase(text, unit) == expected


# ---------------------------------------------------------------- gaps


def test_percentage_gap_is_in_percentage_points():
    r = result(leaf("25.1", [AT_LEAST_90], [obs(YEAR, "86.8")]))
    assert r.gap == Decimal("3.2")
    assert r.gap_text == "差 3.2 个百分点"
    assert r.gap_text_en == "3.2 percentage points short"


def test_gap_of_one_point_is_singular_in_english():
    r = result(leaf("25.1", [AT_LEAST_90], [obs(YEAR, "89")]))
    assert r.gap_text_en == "1 percentage point short"


def test_gap_in_another_unit_puts_the_unit_after_the_number():
    rule = RuleSpec(kind="threshold", operator="<=", value=Decimal(35))
    r = result(pm25([obs(YEAR, "38.2")], rules=[rule]))
    assert (r.gap_text, r.gap_text_en) == ("差 3.2 μg/m³", "3.2 μg/m³ short")


def test_no_deterioration_gap_is_the_worsening_since_the_first_year_beyond_the_tolerance():
    rule = RuleSpec(kind="no_deterioration", tolerance=Decimal("0.5"))
    r = result(pm25([obs(2019, "40"), obs(2020, "42"), obs(2021, "41")], rules=[rule]))
    assert (r.gap, r.gap_text) == (Decimal("0.5"), "差 0.5 μg/m³")


@pytest.mark.parametrize(
    "spec",
    [
        leaf("25.1", [AT_LEAST_90], [obs(YEAR, "97")]),  # met
        leaf("25.1", [AT_LEAST_90]),  # missing
        leaf(
            "1",
            [RuleSpec(kind="qualitative")],
            [Observation(year=YEAR, status="approved", answer=False)],
            value_kind="boolean",
        ),  # not met, but not numeric
        pm25(
            [obs(2019, "3"), obs(2020, "3"), obs(2021, "1")],
            rules=[RuleSpec(kind="falling_trend")],
        ),  # not met, a trend has no target
    ],
)
def test_no_gap_when_met_missing_or_not_numeric(spec):
    r = result(spec)
    assert (r.gap, r.gap_text, r.gap_text_en) == (None, "", "")


# ---------------------------------------------------------------- sentences


def test_threshold_sentences_name_value_target_and_year():
    r = result(leaf("25.1", [AT_LEAST_90], [obs(YEAR, "97.0")]))
    assert r.explanation == "2021年秸秆综合利用率为97%，目标≥90%，达标。"
    assert (
        r.explanation_en == "Straw utilisation rate was 97% in 2021 against a target of ≥90%: met."
    )


def test_not_met_sentence_carries_the_gap():
    r = result(leaf("25.1", [AT_LEAST_90], [obs(YEAR, "86.8")]))
    assert r.explanation == "2021年秸秆综合利用率为86.8%，目标≥90%，未达标，差 3.2 个百分点。"
    assert r.explanation_en.endswith("not met, 3.2 percentage points short.")


def test_missing_sentence_names_the_years_and_who_owes_them():
    rule = RuleSpec(kind="no_deterioration")
    r = result(leaf("25.1", [rule, AT_LEAST_90], [obs(2020, "95")]))
    assert r.explanation == "缺少2019年、2021年数据，应由钟楼区农业农村局提供。"
    assert r.explanation_en == (
        "No data for 2019, 2021; owed by Zhonglou Agriculture and Rural Affairs Bureau."
    )


def test_missing_sentence_falls_back_to_the_chinese_department_name():
    r = result(leaf("25.1", [AT_LEAST_90], departments_en=()))
    assert r.explanation_en == "No data for 2021; owed by 钟楼区农业农村局."


def test_pending_sentence_says_the_value_is_not_approved_yet():
    r = result(leaf("25.1", [AT_LEAST_90], [obs(YEAR, "97", "submitted")]))
    assert r.status == Status.PENDING
    assert r.explanation == "2021年数据待审核（已提交，在创建办审核人员处）。"
    assert r.explanation_en == (
        "The value for 2021 is pending review (submitted, with the creation office's reviewers)."
    )


@pytest.mark.parametrize("mode", [Mode.OFFICIAL, Mode.PROVISIONAL])
def test_draft_sentence_says_the_value_is_still_with_its_department(mode):
    r = result(leaf("25.1", [AT_LEAST_90], [obs(YEAR, "97", "draft")]), mode=mode)
    assert r.status == Status.MISSING
    assert r.explanation == "2021年数据为草稿，仍在钟楼区农业农村局（尚未提交），按缺失计。"
    assert "still with Zhonglou Agriculture and Rural Affairs Bureau" in r.explanation_en


def test_returned_sentence_says_the_value_is_back_with_its_department():
    r = result(leaf("25.1", [AT_LEAST_90], [obs(YEAR, "97", "returned")]))
    assert r.status == Status.MISSING
    assert r.explanation == "2021年数据已退回钟楼区农业农村局修改，按缺失计。"


def test_gap_is_shown_with_the_places_it_needs_to_be_right_and_non_zero():
    spec = leaf(
        "5", [RuleSpec(kind="threshold", operator="=", value=Decimal(100))], [obs(YEAR, "99.95")]
    )
    r = result(spec)
    assert r.status == Status.NOT_MET
    assert r.gap_text == "差 0.05 个百分点"
    assert "为99.95%" in r.explanation and "差 0.05 个百分点" in r.explanation


def test_no_deterioration_sentence_names_the_series():
    r = result(pm25([obs(2019, "47.4"), obs(2020, "41.0"), obs(2021, "36.9")]))
    assert r.explanation == "PM2.5浓度2019年47.4、2021年36.9 μg/m³，未出现恶化，达标。"
    assert r.explanation_en == (
        "PM2.5 concentration was 47.4 in 2019 and 36.9 μg/m³ in 2021: no deterioration, met."
    )


def test_no_deterioration_sentence_names_the_worst_pair():
    r = result(pm25([obs(2019, "36.9"), obs(2020, "36.0"), obs(2021, "38.0")]))
    assert r.explanation == (
        "PM2.5浓度2019年36.9、2021年38 μg/m³，2021年较2019年恶化 1.1 μg/m³，未达标。"
    )
    assert "worsened by 1.1 μg/m³ from 2019 to 2021" in r.explanation_en


def test_percentage_series_carries_the_percent_sign_on_every_value():
    rule = RuleSpec(kind="no_deterioration")
    values = [obs(2019, "23.6"), obs(2020, "28"), obs(2021, "31.2")]
    r = result(leaf("3", [rule], values, name="生态文明建设工作占党政实绩考核的比例"))
    assert r.explanation.startswith("生态文明建设工作占党政实绩考核的比例2019年23.6%、2021年31.2%")


def test_assigned_target_sentence_names_the_assigned_value():
    rules = [RuleSpec(kind="assigned_target")]
    spec = pm25([obs(YEAR, "36.9")], rules=rules, assigned_targets=((YEAR, Decimal(40)),))
    r = result(spec)
    assert r.explanation == "2021年PM2.5浓度为36.9 μg/m³，上级下达目标≤40 μg/m³，达标。"
    assert r.explanation_en == (
        "PM2.5 concentration was 36.9 μg/m³ in 2021 against the assigned target of ≤40 μg/m³: met."
    )


def test_qualitative_sentence_quotes_the_answer_and_the_target():
    spec = leaf(
        "1",
        [RuleSpec(kind="qualitative")],
        [Observation(year=YEAR, status="approved", answer=True)],
        name="生态文明建设规划",
        name_en="Ecological civilization plan",
        value_kind="boolean",
        unit="",
        target_text="制定实施",
        target_text_en="Formulated and implemented",
    )
    r = result(spec)
    assert r.explanation == "2021年生态文明建设规划为“是”，要求“制定实施”，达标。"
    assert r.explanation_en == (
        "Ecological civilization plan was “yes” in 2021 against a target of "
        "“Formulated and implemented”: met."
    )


def test_not_applicable_sentence_gives_the_reason():
    spec = leaf("13.1", [AT_LEAST_90], not_applicable="非沿海地区", not_applicable_en="Not coastal")
    r = result(spec)
    assert (r.explanation, r.explanation_en) == (
        "不适用：非沿海地区。",
        "Not applicable: Not coastal.",
    )


def test_parent_sentence_summarises_its_children():
    parent = IndicatorSpec(code="7", name="环境空气质量", name_en="Air quality", category="binding")
    kids = [
        leaf("7.1", [AT_LEAST_90], parent_code="7"),
        leaf("7.2", [AT_LEAST_90], [obs(YEAR, "95")], parent_code="7"),
        leaf("7.3", [AT_LEAST_90], [obs(YEAR, "95")], parent_code="7"),
    ]
    r = assess(make_input(parent, *kids)).indicators[0]
    assert r.explanation == (
        "3项分指标中2项达标，1项缺失数据（7.1）。缺：7.1：缺少2021年数据，应由钟楼区农业农村局提供。"
    )
    assert r.explanation_en == (
        "2 of 3 sub-indicators met, 1 missing data (7.1). Lacking: 7.1: no data for 2021; owed "
        "by Zhonglou Agriculture and Rural Affairs Bureau."
    )


# ---------------------------------------------------------------- fingerprint


def rich_input(value: str = "97", status: str = "approved") -> AssessmentInput:
    return make_input(
        leaf("25.1", [AT_LEAST_90], [obs(2020, "95"), obs(YEAR, value, status)]),
        pm25([obs(2019, "47.4"), obs(2021, "36.9")]),
        vetoes=[VetoEvent(date=datetime.date(2020, 5, 1), kind="summons")],
    )


def test_fingerprint_is_stable_for_equal_inputs():
    assert fingerprint(rich_input()) == fingerprint(rich_input())
    assert len(fingerprint(rich_input())) == 64


def test_fingerprint_ignores_how_a_decimal_is_written():
    assert fingerprint(rich_input("97")) == fingerprint(rich_input("97.0000"))


@pytest.mark.parametrize(("value", "status"), [("96", "approved"), ("97", "submitted")])
def test_fingerprint_changes_when_one_observation_changes(value, status):
    assert fingerprint(rich_input(value, status)) != fingerprint(rich_input())


def test_fingerprint_changes_with_the_mode():
    inp = rich_input()
    assert fingerprint(replace(inp, mode=Mode.PROVISIONAL)) != fingerprint(inp)


# ---------------------------------------------------------------- result round trip


def test_result_round_trips_through_json():
    outcome = assess(rich_input())
    stored = json.loads(json.dumps(result_to_dict(outcome), ensure_ascii=False))
    assert result_from_dict(stored) == outcome


def test_result_dict_uses_strings_values_and_lists():
    data = result_to_dict(assess(rich_input()))
    assert data["mode"] == "official"
    assert data["verdict"] in {"eligible", "not_eligible", "incomplete"}
    assert data["reference_required"] == "0.8"
    assert data["window"] == [2019, 2020, 2021]
    assert data["veto_events"] == [{"date": "2020-05-01", "kind": "summons", "description": ""}]
    straw = data["indicators"][0]
    assert (straw["value"], straw["status"], straw["years_used"]) == ("97", "met", [2021])


def test_round_trip_keeps_booleans_and_missing_ratios():
    spec = leaf(
        "1",
        [RuleSpec(kind="qualitative")],
        [Observation(year=YEAR, status="approved", answer=True)],
        category="binding",
        value_kind="boolean",
    )
    outcome = assess(make_input(spec))
    data = result_to_dict(outcome)
    assert data["indicators"][0]["value"] is True
    assert data["reference_ratio"] is None
    assert result_from_dict(data) == outcome


def test_results_carry_the_value_as_read_and_the_sources_used():
    from decimal import Decimal

    from assessments.scoring import (
        AssessmentInput,
        IndicatorSpec,
        Mode,
        Observation,
        PassRule,
        RuleSpec,
        assess,
    )

    spec = IndicatorSpec(
        code="25.1",
        name="秸秆综合利用率",
        name_en="Straw utilisation rate",
        category="reference",
        value_kind="percentage",
        unit="%",
        direction="higher",
        decimals=1,
        target_text="≥90",
        rules=(RuleSpec(kind="threshold", operator=">=", value=Decimal(90)),),
        observations=(
            Observation(year=2021, status="approved", value=Decimal("97.0000"), source="报告"),
        ),
    )
    inp = AssessmentInput("320404", "钟楼区", "e", 2021, Mode.OFFICIAL, PassRule(), (spec,))
    [result] = assess(inp).indicators
    assert result.value_text == "97%"
    assert result.sources == ("报告",)
