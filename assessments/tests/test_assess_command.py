"""``manage.py assess``: a region's scorecard on the terminal (and the snapshot stored)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from assessments import services
from assessments.models import AssessmentSnapshot
from assessments.tests.snapshot_helpers import NOW

pytestmark = pytest.mark.django_db


def assess(*args: str) -> str:
    out = io.StringIO()
    call_command("assess", *args, stdout=out)
    return out.getvalue()


def _line(output: str, code: str) -> str:
    return next(line for line in output.splitlines() if line.split()[:1] == [code])


def test_the_table_prints_the_verdict_and_a_line_per_indicator(zhonglou_demo):
    output = assess("--region", "320404", "--year", "2021")

    assert "钟楼区 (320404)" in output.splitlines()[0]
    assert "结论 verdict: 数据不全 (incomplete)" in output
    straw = _line(output, "25.1")
    assert "97%" in straw and "≥90" in straw and "达标" in straw
    film = _line(output, "25.3")
    assert "88%" in film and "达标" in film
    assert "缺数据" in _line(output, "29")


def test_the_table_lists_what_is_missing_and_who_owes_it(zhonglou_demo):
    output = assess("--region", "320404", "--year", "2021")

    missing = output[output.index("缺数据 missing / 待审核 pending") :]
    assert "29 城镇污水处理率 — 钟楼区住房和城乡建设局" in missing
    assert "29 缺少2021年数据，应由钟楼区住房和城乡建设局提供" in missing
    assert "39 公众对生态文明建设的满意度 — 中共常州市钟楼区委宣传部" in missing


def test_the_table_says_row_32s_assigned_target_is_owed_by_the_creation_office(zhonglou_demo):
    output = assess("--region", "320404", "--year", "2021")
    missing = output[output.index("缺数据 missing / 待审核 pending") :]
    assert "32 农村无害化卫生厕所普及率 — 创建办\n" in missing
    assert "32 2021年上级下达的目标尚未录入，应由创建办录入" in missing
    assert "农业农村局" not in missing.split("32 农村无害化卫生厕所普及率")[1].split("\n  3")[0]


def test_without_a_year_the_table_shows_the_regions_assessment_year(zhonglou_demo, reviewer):
    from accounts.models import User
    from indicators import services as indicator_services
    from indicators.models import DataElement

    # A draft for a later year moves no default: still 2021, the latest approved year.
    indicator_services.value_save(
        actor=User.objects.get(username="admin"),
        region=zhonglou_demo,
        data_element=DataElement.objects.get(key="straw_utilization_rate"),
        year=2023,
        value=95,
        answer=None,
    )
    assert "评估年 year 2021" in assess("--region", "320404")
    indicator_services.region_assessment_year_set(actor=reviewer, region=zhonglou_demo, year=2020)
    assert "评估年 year 2020" in assess("--region", "320404")


def test_json_output_parses_and_carries_the_verdict(zhonglou_demo):
    payload = json.loads(assess("--region", "320404", "--year", "2021", "--format", "json"))

    assert payload["verdict"] == "incomplete"
    assert payload["edition"] == "jiangsu-county-2019"
    assert payload["mode"] == "official"
    assert len(payload["input_hash"]) == 64
    straw = next(i for i in payload["indicators"] if i["code"] == "25.1")
    assert (straw["status"], straw["value"]) == ("met", "97.0000")


def test_provisional_mode_scores_submitted_values_too(zhonglou_demo):
    payload = json.loads(
        assess("--region", "320404", "--year", "2021", "--mode", "provisional", "--format", "json")
    )

    assert payload["mode"] == "provisional"
    assert payload["verdict"] == "incomplete"


def test_another_edition_can_be_named(zhonglou_demo):
    output = assess("--region", "320404", "--year", "2021", "--edition", "national-2019")

    assert "(national-2019)" in output.splitlines()[0]


def test_it_reads_the_verdict_and_stores_nothing(zhonglou_demo):
    first = json.loads(assess("--region", "320404", "--year", "2021", "--format", "json"))
    again = json.loads(assess("--region", "320404", "--year", "2021", "--format", "json"))

    assert {**again, "as_of": None} == {**first, "as_of": None}
    assert not AssessmentSnapshot.objects.exists()


def test_it_prints_the_stored_snapshot_when_it_is_fresh(zhonglou_demo, catalogue):
    stored = services.snapshot_refresh(
        region=zhonglou_demo, edition=catalogue, year=2021, mode="official", now=NOW
    )

    payload = json.loads(assess("--region", "320404", "--year", "2021", "--format", "json"))

    assert payload["as_of"] == NOW.isoformat() and payload["input_hash"] == stored.input_hash


def test_an_unknown_region_is_an_error(catalogue):
    with pytest.raises(CommandError, match="No region with code '999999'"):
        assess("--region", "999999", "--year", "2021")


def test_an_unknown_edition_is_an_error(zhonglou):
    with pytest.raises(CommandError, match="No edition 'nope'"):
        assess("--region", "320404", "--year", "2021", "--edition", "nope")


def test_the_region_is_required(zhonglou):
    with pytest.raises(CommandError, match="--region"):
        assess("--year", "2021")
