"""Zhonglou's demo figures (its creation work report, docs/criteria.md §6) scored for 2021: what
the report gives is met, what it does not give is missing and owed by a department."""

from __future__ import annotations

import pytest
import yaml
from django.conf import settings

from accounts.models import User
from assessments import services
from assessments.models import AssessmentSnapshot
from assessments.tests.snapshot_helpers import NOW, indicator
from demo.seed import DEMO_FILE, ensure_demo_users, load_demo_values
from indicators.choices import ValueStatus
from indicators.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db

HOUSING = "钟楼区住房和城乡建设局"
PUBLICITY = "中共常州市钟楼区委宣传部"


@pytest.fixture
def scorecard(zhonglou_demo, catalogue):
    return services.snapshot_refresh(
        region=zhonglou_demo, edition=catalogue, year=2021, mode="official", now=NOW
    )


def _missing(snapshot, code: str) -> dict:
    return next(m for m in snapshot.result["missing"] if m["code"] == code)


def test_the_2021_official_verdict_is_incomplete(scorecard):
    assert scorecard.verdict == scorecard.result["verdict"] == "incomplete"
    assert scorecard.result["window"] == [2019, 2020, 2021]
    assert scorecard.result["veto_events"] == []


@pytest.mark.parametrize(
    "code, value_text, target_text",
    [("25.1", "97%", "≥90"), ("25.3", "88%", "≥80")],
    ids=["straw", "film"],
)
def test_the_reports_agricultural_figures_meet_their_targets(
    scorecard, code, value_text, target_text
):
    item = indicator(scorecard, code)

    assert (item["status"], item["value_text"], item["target_text"]) == (
        "met",
        value_text,
        target_text,
    )
    assert item["years_used"] == [2021]
    assert item["sources"] == ["钟楼区创建工作报告（江苏省生态文明建设示范区创建）"]


@pytest.mark.parametrize(
    "code, department",
    [("29", HOUSING), ("39", PUBLICITY)],
    ids=["sewage", "satisfaction"],
)
def test_indicators_the_report_gives_no_figure_for_are_missing_and_owed(
    scorecard, code, department
):
    assert indicator(scorecard, code)["status"] == "missing"
    owed = _missing(scorecard, code)
    assert owed["departments"][0] == department  # the lead department first
    assert owed["years"] == [2021]


def test_the_demo_never_invents_a_figure(zhonglou_demo, scorecard, catalogue):
    given = set(
        IndicatorValue.objects.filter(region=zhonglou_demo).values_list(
            "data_element__key", flat=True
        )
    )
    without_data = Indicator.objects.filter(edition=catalogue, data_element__isnull=False).exclude(
        data_element__key__in=given
    )

    statuses = {indicator(scorecard, i.code)["status"] for i in without_data}

    assert without_data.count() > 20
    assert statuses <= {"missing", "not_applicable"}


def test_every_demo_value_went_through_the_workflow_to_approval(zhonglou_demo):
    spec = yaml.safe_load((settings.BASE_DIR / DEMO_FILE).read_text(encoding="utf-8"))
    values = IndicatorValue.objects.filter(region=zhonglou_demo)

    assert values.count() == len(spec["values"])
    assert set(values.values_list("status", flat=True)) == {ValueStatus.APPROVED}
    assert all(v.history.count() == 3 for v in values)  # entered, submitted, approved


def test_loading_the_demo_queues_one_recompute_that_stores_every_snapshot(
    zhonglou, catalogue, queued, committed
):
    ensure_demo_users()
    admin = User.objects.get(username="admin")
    queued.run = True

    with committed():
        load_demo_values(admin)

    assert queued.sent == [(zhonglou.pk, [2019, 2020, 2021])]
    current = AssessmentSnapshot.objects.filter(region=zhonglou, is_current=True)
    assert current.count() == 2 * 3 * 2  # editions × years × modes
    county_2021 = current.get(edition=catalogue, year=2021, mode="official")
    assert county_2021.verdict == "incomplete"
    assert indicator(county_2021, "25.1")["status"] == "met"


def test_the_demo_scores_the_same_in_both_modes_as_every_value_is_approved(
    zhonglou_demo, catalogue, scorecard
):
    provisional = services.snapshot_refresh(
        region=zhonglou_demo, edition=catalogue, year=2021, mode="provisional", now=NOW
    )

    strip = ("mode",)
    assert {k: v for k, v in provisional.result.items() if k not in strip} == {
        k: v for k, v in scorecard.result.items() if k not in strip
    }


def test_72_is_the_decline_computed_from_the_reports_annual_means(scorecard):
    """36.9 μg/m³ in 2021 against 47.4 in 2019 (the report: 较2019年下降10.5微克/立方米)."""
    item = indicator(scorecard, "7.2")

    assert item["value_text"] == "22.2%"
    assert item["explanation"].startswith(
        "2021年PM2.5浓度下降幅度 = (47.4 − 36.9) ÷ 47.4 × 100 = 22.2%"
        "（2019年PM2.5年均浓度47.4 μg/m³、2021年PM2.5年均浓度36.9 μg/m³）"
    )
    # No sentence calls the concentration a decline.
    assert "下降幅度为36.9" not in item["explanation"]
    # The decline is compared with the target the higher level assigns, not yet entered.
    assert item["status"] == "missing"
    assert item["missing_years"] == [2021]
    assert item["sources"] == ["钟楼区创建工作报告（江苏省生态文明建设示范区创建）"]


def test_assigned_and_stable_indicators_owe_the_first_and_the_last_window_year(scorecard):
    """保持稳定或持续改善 compares 2021 with 2019: 7.1 lacks those two years, not 2020."""
    assert indicator(scorecard, "7.1")["missing_years"] == [2019, 2021]
    assert _missing(scorecard, "7")["years"] == [2019, 2021]


def test_the_2021_scorecard_still_counts_the_same_indicators(scorecard):
    result = scorecard.result
    assert (result["binding_met"], result["binding_applicable"]) == (8, 20)
    assert (result["reference_met"], result["reference_applicable"]) == (4, 13)


def _value(region, key: str, year: int = 2021) -> IndicatorValue:
    return IndicatorValue.objects.get(region=region, data_element__key=key, year=year)


def test_the_demo_enters_12_2_as_the_report_words_it(zhonglou_demo, scorecard):
    value = _value(zhonglou_demo, "invasive_species_not_significant")
    assert value.answer is True and value.status == ValueStatus.APPROVED
    assert "加强外来入侵物种整体防控、综合防控，未发生美国白蛾和松材线虫疫情。" in value.note
    assert indicator(scorecard, "12.2")["status"] == "met"


@pytest.mark.parametrize(
    "key",
    [
        "hazardous_waste_disposal_rate",  # 14
        "straw_utilization_rate",  # 25.1
        "agricultural_film_recovery_rate",  # 25.3
        "rural_sanitary_toilet_rate",  # 32
        "green_procurement_ratio",  # 37
        "invasive_species_not_significant",  # 12.2
    ],
)
def test_a_figure_without_a_year_says_its_year_is_read_from_the_reports_date(zhonglou_demo, key):
    assert "年份按报告日期读取" in _value(zhonglou_demo, key).note


def test_37_is_entered_as_the_commitment_the_report_words(zhonglou_demo):
    value = _value(zhonglou_demo, "green_procurement_ratio")
    assert value.value == 90
    assert "确保政府绿色采购率达到90%以上" in value.note
    assert "承诺" in value.note and "不是实测比例" in value.note


def test_row_32_is_owed_by_the_creation_office_not_the_departments(scorecard):
    item = _missing(scorecard, "32")
    assert item["departments"] == [] and item["owners"] == ["创建办"]
    assert [(p["lacking"], p["owner"]) for p in item["pieces"]] == [
        ("assigned_target", "creation_office")
    ]
