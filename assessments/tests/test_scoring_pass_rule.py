"""The pass rule of docs/criteria.md §4: counts, the verdict, veto events and the missing list.

Pure: no database, no Django fixtures. Assessment year 2021, window 2019–2021.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from assessments.scoring import (
    AssessmentInput,
    AssessmentResult,
    IndicatorSpec,
    Lacking,
    Mode,
    Observation,
    Owner,
    PassRule,
    RuleSpec,
    Status,
    Verdict,
    VetoEvent,
    assess,
    fingerprint,
    veto_period,
    window_years,
)

YEAR = 2021
AT_LEAST_90 = RuleSpec(kind="threshold", operator=">=", value=Decimal(90))

# ---------------------------------------------------------------- builders


def indicator(code: str, category: str = "reference", state: str = "met", **kw) -> IndicatorSpec:
    """An indicator (≥ 90 %) in a given state: met, not_met, missing, pending or na."""
    observations = {
        "met": (Observation(year=YEAR, status="approved", value=Decimal(95)),),
        "not_met": (Observation(year=YEAR, status="approved", value=Decimal(50)),),
        "missing": (),
        "pending": (Observation(year=YEAR, status="submitted", value=Decimal(95)),),
        "na": (),
    }[state]
    fields = {
        "name": f"指标{code}",
        "name_en": f"Indicator {code}",
        "value_kind": "percentage",
        "unit": "%",
        "direction": "higher",
        "rules": (AT_LEAST_90,),
        "observations": observations,
        "not_applicable": "不适用于本区" if state == "na" else None,
        "departments": (f"部门{code}",),
        "departments_en": (f"Bureau {code}",),
    }
    return IndicatorSpec(code=code, category=category, **(fields | kw))


def many(category: str, **states: int) -> list[IndicatorSpec]:
    """``many("reference", met=4, not_met=1)``: that many indicators in each state."""
    prefix = "B" if category == "binding" else "R"
    specs = []
    for state, count in states.items():
        for _ in range(count):
            specs.append(indicator(f"{prefix}{len(specs) + 1}", category, state))
    return specs


def make_input(
    specs, vetoes=(), rule: PassRule | None = None, year: int = YEAR, assessed_on=None
) -> AssessmentInput:
    return AssessmentInput(
        region_code="320404",
        region_name="钟楼区",
        edition_code="test",
        year=year,
        mode=Mode.OFFICIAL,
        pass_rule=rule or PassRule(),
        indicators=tuple(specs),
        veto_events=tuple(vetoes),
        assessed_on=assessed_on,
    )


def run(
    *specs, vetoes=(), rule: PassRule | None = None, year: int = YEAR, assessed_on=None
) -> AssessmentResult:
    return assess(make_input(specs, vetoes, rule, year, assessed_on))


def binding_met() -> list[IndicatorSpec]:
    return many("binding", met=2)


# ---------------------------------------------------------------- window


@pytest.mark.parametrize(
    ("year", "size", "expected"),
    [(2021, 3, (2019, 2020, 2021)), (2021, 1, (2021,)), (2022, 5, (2018, 2019, 2020, 2021, 2022))],
)
def test_window_is_the_years_ending_with_the_assessment_year(year, size, expected):
    assert window_years(year, size) == expected
    assert run(rule=PassRule(window_years=size), year=year).window == expected


# ---------------------------------------------------------------- reference ratio


@pytest.mark.parametrize(
    ("met", "not_met", "verdict"),
    [
        (5, 0, Verdict.ELIGIBLE),
        (4, 1, Verdict.ELIGIBLE),  # exactly 80 %
        (8, 2, Verdict.ELIGIBLE),
        (3, 1, Verdict.NOT_ELIGIBLE),  # 75 %
        (39, 10, Verdict.NOT_ELIGIBLE),  # 79.6 %, just below
    ],
)
def test_reference_ratio_against_the_required_80_percent(met, not_met, verdict):
    result = run(*binding_met(), *many("reference", met=met, not_met=not_met))
    assert result.verdict == verdict
    assert result.reference_ratio == Decimal(met) / Decimal(met + not_met)


def test_ratio_exactly_at_the_requirement_is_exact():
    result = run(*binding_met(), *many("reference", met=4, not_met=1))
    assert result.reference_ratio == Decimal("0.8")
    assert (result.reference_met, result.reference_applicable) == (4, 5)


def test_not_applicable_indicators_leave_the_denominator():
    result = run(*binding_met(), *many("reference", met=4, na=1))
    assert (result.reference_met, result.reference_applicable) == (4, 4)
    assert result.reference_ratio == Decimal(1)
    assert result.verdict == Verdict.ELIGIBLE


def test_not_applicable_binding_indicator_leaves_the_binding_count():
    result = run(*many("binding", met=2, na=1), *many("reference", met=1))
    assert (result.binding_met, result.binding_applicable) == (2, 2)
    assert result.verdict == Verdict.ELIGIBLE


def test_without_applicable_reference_indicators_the_ratio_is_none():
    result = run(*binding_met(), *many("reference", na=2))
    assert result.reference_ratio is None
    assert result.verdict == Verdict.ELIGIBLE


def test_required_ratio_is_a_parameter():
    rule = PassRule(reference_ratio_required=Decimal("0.75"))
    assert run(*binding_met(), *many("reference", met=3, not_met=1), rule=rule).verdict == (
        Verdict.ELIGIBLE
    )


# ---------------------------------------------------------------- binding


def test_one_binding_indicator_not_met_fails_the_region():
    result = run(*many("binding", met=3, not_met=1), *many("reference", met=5))
    assert result.verdict == Verdict.NOT_ELIGIBLE
    assert (result.binding_met, result.binding_applicable) == (3, 4)
    assert "B4" in result.summary
    assert "B4" in result.summary_en


def test_binding_failure_does_not_fail_when_not_required():
    rule = PassRule(all_binding_required=False)
    result = run(*many("binding", met=3, not_met=1), *many("reference", met=5), rule=rule)
    assert result.verdict == Verdict.ELIGIBLE


def test_binding_failure_wins_over_missing_data():
    result = run(*many("binding", not_met=1, missing=1), *many("reference", met=5))
    assert result.verdict == Verdict.NOT_ELIGIBLE


# ---------------------------------------------------------------- veto events


@pytest.mark.parametrize(
    ("date", "inside"),
    [
        (datetime.date(2019, 1, 1), True),  # first day of the window
        (datetime.date(2021, 12, 31), True),  # last day of the window
        (datetime.date(2018, 12, 31), False),  # the day before the window
        (datetime.date(2022, 1, 1), True),  # the application year counts too
        (datetime.date(2022, 12, 31), True),  # its last day
        (datetime.date(2023, 1, 1), False),  # the year after the application year
    ],
)
def test_veto_event_counts_from_the_window_through_the_application_year(date, inside):
    event = VetoEvent(date=date, kind="major_incident", description="突发环境事件")
    result = run(*binding_met(), *many("reference", met=5), vetoes=[event])
    assert result.verdict == (Verdict.NOT_ELIGIBLE if inside else Verdict.ELIGIBLE)
    assert result.veto_events == ((event,) if inside else ())


@pytest.mark.parametrize(
    ("date", "assessed_on", "inside"),
    [
        (datetime.date(2022, 3, 1), datetime.date(2022, 3, 1), True),  # on the day of assessment
        (datetime.date(2022, 3, 2), datetime.date(2022, 3, 1), False),  # the day after it
        (datetime.date(2021, 6, 1), datetime.date(2021, 5, 31), False),  # assessed before it
        (datetime.date(2022, 12, 31), datetime.date(2026, 1, 1), True),  # assessed years later
        (datetime.date(2023, 1, 1), datetime.date(2026, 1, 1), False),  # …still the same end
    ],
)
def test_veto_event_counts_up_to_the_day_of_assessment(date, assessed_on, inside):
    event = VetoEvent(date=date, kind="summons")
    result = run(*binding_met(), *many("reference", met=5), vetoes=[event], assessed_on=assessed_on)
    assert result.veto_events == ((event,) if inside else ())


@pytest.mark.parametrize(
    ("assessed_on", "period"),
    [
        (None, (datetime.date(2019, 1, 1), datetime.date(2022, 12, 31))),
        (datetime.date(2022, 5, 4), (datetime.date(2019, 1, 1), datetime.date(2022, 5, 4))),
        (datetime.date(2030, 1, 1), (datetime.date(2019, 1, 1), datetime.date(2022, 12, 31))),
    ],
)
def test_veto_period_is_a_pure_function_of_the_window_and_the_day(assessed_on, period):
    assert veto_period((2019, 2020, 2021), assessed_on) == period


def test_a_day_passing_changes_the_fingerprint_only_when_it_changes_the_counted_events():
    event = VetoEvent(date=datetime.date(2022, 6, 1), kind="summons")

    def hashed(day):
        return fingerprint(make_input(binding_met(), vetoes=[event], assessed_on=day))

    assert hashed(datetime.date(2022, 3, 1)) == hashed(datetime.date(2022, 5, 31))
    assert hashed(datetime.date(2022, 5, 31)) != hashed(datetime.date(2022, 6, 1))


def test_veto_is_reported_but_ignored_when_the_rule_says_so():
    event = VetoEvent(date=datetime.date(2020, 6, 1), kind="summons")
    rule = PassRule(veto_in_window=False)
    result = run(*binding_met(), *many("reference", met=5), vetoes=[event], rule=rule)
    assert result.verdict == Verdict.ELIGIBLE
    assert result.veto_events == (event,)


def test_veto_fails_the_region_even_with_missing_data():
    event = VetoEvent(date=datetime.date(2020, 6, 1), kind="falsified_data")
    result = run(*many("binding", missing=1), vetoes=[event])
    assert result.verdict == Verdict.NOT_ELIGIBLE
    assert "一票否决" in result.summary


# ---------------------------------------------------------------- incomplete


def test_incomplete_when_missing_data_could_still_reach_the_ratio():
    result = run(*binding_met(), *many("reference", met=3, missing=1))  # now 75 %, at best 100 %
    assert result.verdict == Verdict.INCOMPLETE


def test_incomplete_when_a_binding_indicator_is_missing():
    result = run(*many("binding", met=1, missing=1), *many("reference", met=5))
    assert result.verdict == Verdict.INCOMPLETE


def test_pending_counts_as_unknown_like_missing():
    result = run(*many("binding", met=1, pending=1), *many("reference", met=3, pending=1))
    assert result.verdict == Verdict.INCOMPLETE
    assert [m.status for m in result.missing] == [Status.PENDING, Status.PENDING]


def test_not_eligible_when_even_all_unknowns_met_cannot_reach_the_ratio():
    # 2 met + 1 unknown of 5 reference indicators: at best 60 %.
    result = run(*binding_met(), *many("reference", met=2, not_met=2, missing=1))
    assert result.verdict == Verdict.NOT_ELIGIBLE
    assert "60%" in result.summary


def test_incomplete_exactly_when_all_unknowns_met_would_reach_80_percent():
    result = run(*binding_met(), *many("reference", met=3, not_met=1, missing=1))  # best 4/5
    assert result.verdict == Verdict.INCOMPLETE


# ---------------------------------------------------------------- counting and missing list


def air_quality(*states: str) -> list[IndicatorSpec]:
    """Binding parent 7 with sub-indicators 7.1, 7.2… in the given states."""
    kids = [
        indicator(f"7.{i}", "binding", state, parent_code="7")
        for i, state in enumerate(states, start=1)
    ]
    return [IndicatorSpec(code="7", name="环境空气质量", name_en="Air", category="binding"), *kids]


def test_only_top_level_indicators_are_counted():
    result = run(*air_quality("met", "met"), *many("reference", met=1))
    assert (result.binding_met, result.binding_applicable) == (1, 1)


def test_missing_list_holds_top_level_indicators_only():
    result = run(*air_quality("met", "missing"), *many("reference", missing=1, met=4))
    assert [m.code for m in result.missing] == ["7", "R1"]


def test_missing_item_of_a_parent_unites_its_children_years_and_departments():
    specs = air_quality("missing", "met", "pending")
    result = run(*specs)
    (item,) = result.missing
    assert (item.code, item.status, item.years) == ("7", Status.PENDING, (YEAR,))
    # 7.3 is submitted: the reviewers hold it, its department owes nothing.
    assert item.departments == ("部门7.1",)
    assert item.departments_en == ("Bureau 7.1",)
    assert item.owners == ("部门7.1", "创建办审核人员")
    assert [(p.code, p.owner) for p in item.pieces] == [
        ("7.1", Owner.DEPARTMENT),
        ("7.3", Owner.REVIEWERS),
    ]


def test_missing_item_names_the_years_and_departments_of_a_leaf():
    spec = indicator("R1", state="missing")
    (item,) = run(spec).missing
    assert (item.status, item.years, item.departments) == (Status.MISSING, (YEAR,), ("部门R1",))


def test_missing_item_of_a_missing_assigned_target_is_owed_by_no_department():
    rule = RuleSpec(kind="assigned_target")
    spec = indicator("B1", "binding", rules=(rule,))
    (item,) = run(spec).missing
    assert (item.years, item.departments) == ((YEAR,), ())
    assert item.owners == ("创建办",)
    (piece,) = item.pieces
    assert (piece.lacking, piece.owner, piece.years) == (
        Lacking.ASSIGNED_TARGET,
        Owner.CREATION_OFFICE,
        (YEAR,),
    )
    assert "创建办" in piece.text


def test_a_draft_is_missing_and_owed_by_its_lead_department_not_pending():
    draft = (Observation(year=YEAR, status="draft", value=Decimal(95)),)
    spec = indicator("B1", "binding", observations=draft, departments=("牵头局", "配合局"))
    (item,) = run(spec).missing
    assert (item.status, item.departments) == (Status.MISSING, ("牵头局",))
    (piece,) = item.pieces
    assert (piece.lacking, piece.value_status, piece.owner) == (
        Lacking.VALUE,
        "draft",
        Owner.DEPARTMENT,
    )
    assert "草稿" in piece.text and "牵头局" in piece.text


def test_an_unset_region_attribute_is_missing_and_owed_by_the_administrator():
    spec = indicator("B1", "binding", rules=(), missing_attributes=("terrain",))
    result = run(spec)
    assert result.indicators[0].status == Status.MISSING
    (item,) = result.missing
    assert [(p.lacking, p.attribute, p.owner) for p in item.pieces] == [
        (Lacking.REGION_ATTRIBUTE, "terrain", Owner.ADMINISTRATOR)
    ]
    assert item.owners == ("系统管理员",)
    assert "地形类别" in result.indicators[0].explanation


# ---------------------------------------------------------------- summaries


def test_incomplete_summary_gives_the_counts_and_the_missing_number():
    result = run(*many("binding", met=1, missing=1), *many("reference", met=4, missing=1))
    assert result.summary == (
        "数据不全：约束性指标1/2项达标，参考性指标4/5项达标（80%，要求≥80%），另有2项缺失数据。"
    )
    assert result.summary_en == (
        "Incomplete data: 1/2 binding indicators met, 4/5 reference indicators met "
        "(80%, 80% required); 2 more indicators lack data."
    )


def test_eligible_summary_says_no_veto():
    result = run(*binding_met(), *many("reference", met=5))
    assert result.summary.startswith("可申报：约束性指标2/2项达标")
    assert result.summary.endswith("评估期内无一票否决事项。")
    assert result.summary_en.startswith("Eligible: 2/2 binding indicators met")


# ---------------------------------------------------------------- Zhonglou, docs/criteria.md §6


def zhonglou_indicator(code, name, name_en, category, target, observations=(), **kw):
    fields = {
        "value_kind": "percentage",
        "unit": "%",
        "direction": "higher",
        "target_text": f"≥{target}",
        "target_text_en": f"≥ {target} %",
        "rules": (RuleSpec(kind="threshold", operator=">=", value=Decimal(target)),),
        "observations": tuple(observations),
    }
    return IndicatorSpec(code=code, name=name, name_en=name_en, category=category, **(fields | kw))


def approved(year: int, value: str) -> Observation:
    return Observation(
        year=year, status="approved", value=Decimal(value), source="钟楼区创建工作报告"
    )


def test_zhonglou_figures_from_the_creation_report():
    agriculture = {"departments": ("钟楼区农业农村局",), "parent_code": "25"}
    specs = [
        IndicatorSpec(
            code="25",
            name="农业废弃物综合利用率",
            name_en="Agricultural waste",
            category="reference",
        ),
        zhonglou_indicator(
            "25.1",
            "秸秆综合利用率",
            "Straw utilisation rate",
            "reference",
            90,
            [approved(2021, "97")],
            **agriculture,
        ),
        zhonglou_indicator(
            "25.2",
            "畜禽粪污综合利用率",
            "Livestock manure utilisation rate",
            "reference",
            75,
            **agriculture,
        ),
        zhonglou_indicator(
            "25.3",
            "农膜回收利用率",
            "Agricultural film recovery rate",
            "reference",
            80,
            [approved(2021, "88")],
            **agriculture,
        ),
        zhonglou_indicator(
            "37",
            "政府绿色采购比例",
            "Green government procurement",
            "binding",
            80,
            [approved(2021, "90")],
        ),
        zhonglou_indicator(
            "29",
            "城镇污水处理率",
            "Urban sewage treatment rate",
            "binding",
            85,
            departments=("钟楼区住房和城乡建设局",),
        ),
        zhonglou_indicator(
            "26",
            "一般工业固体废物综合利用率",
            "Industrial solid waste utilisation",
            "reference",
            80,
            departments=("常州市钟楼生态环境局",),
        ),
    ]
    result = run(*specs)
    by_code = {r.code: r for r in result.indicators}

    assert by_code["25.1"].status == Status.MET
    assert by_code["25.1"].explanation == "2021年秸秆综合利用率为97%，目标≥90%，达标。"
    assert by_code["25.3"].status == Status.MET
    # The report gives no 畜禽粪污 figure: 25.2, and so 25, lack data owed by agriculture.
    assert by_code["25.2"].status == Status.MISSING
    assert by_code["25"].status == Status.MISSING
    assert by_code["25"].explanation == (
        "3项分指标中2项达标，1项缺失数据（25.2）。缺：25.2：缺少2021年数据，应由钟楼区农业农村局提供。"
    )
    assert by_code["26"].status == Status.MISSING
    assert by_code["26"].explanation == "缺少2021年数据，应由常州市钟楼生态环境局提供。"
    assert by_code["29"].status == Status.MISSING
    assert result.verdict == Verdict.INCOMPLETE
    assert [(m.code, m.departments) for m in result.missing] == [
        ("25", ("钟楼区农业农村局",)),
        ("29", ("钟楼区住房和城乡建设局",)),
        ("26", ("常州市钟楼生态环境局",)),
    ]
    assert (result.binding_met, result.binding_applicable) == (1, 2)
    assert (result.reference_met, result.reference_applicable) == (0, 2)


def test_a_value_no_department_answers_for_is_owed_by_the_administrator():
    spec = indicator("B1", "binding", state="missing", departments=(), departments_en=())
    (item,) = run(spec).missing
    (piece,) = item.pieces
    assert (piece.lacking, piece.owner, item.owners) == (
        Lacking.VALUE,
        Owner.ADMINISTRATOR,
        ("系统管理员",),
    )
    assert "尚未指定责任部门" in piece.text
