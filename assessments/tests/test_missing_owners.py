"""Who owes what, read from the database: the scorecard of Zhonglou and of the city, after
values are entered as a clerk would (engine rules of ownership: test_scoring_pass_rule.py)."""

from __future__ import annotations

import pytest

from accounts.models import User
from assessments import selectors
from indicators import services
from indicators.models import DataElement, Region
from indicators.selectors import region_edition

pytestmark = pytest.mark.django_db


def approve(region, key: str, year: int, value) -> None:
    admin = User.objects.get(username="admin")
    saved = services.value_save(
        actor=admin,
        region=region,
        data_element=DataElement.objects.get(key=key),
        year=year,
        value=value,
    ).value
    services.value_submit(value=saved, actor=admin)
    saved.refresh_from_db()
    # Four eyes: the demo reviewer, not the administrator who entered it, approves.
    services.value_approve(value=saved, actor=User.objects.get(username="zl-reviewer"))


def result(region, year: int):
    return selectors.scorecard(
        region=region, edition=region_edition(region), year=year, mode="official"
    ).result


def by_code(res) -> dict:
    return {i.code: i for i in res.indicators}


def test_after_7_1_is_approved_for_2022_indicator_7_says_what_7_1_still_lacks(zhonglou_demo):
    approve(zhonglou_demo, "air_good_days_ratio", 2022, 85)
    seven = by_code(result(zhonglou_demo, 2022))["7"]
    pieces = [(p.code, p.lacking.value, p.years, p.owner.value) for p in seven.missing]
    # 2022's value is in: 7.1 lacks the window's first year (its stability rule compares
    # 2022 with 2020) and the assigned target, owed by the creation office — not "7.1 is
    # missing".
    assert ("7.1", "value", (2020,), "department") in pieces
    assert ("7.1", "assigned_target", (2022,), "creation_office") in pieces
    assert not any(
        code == "7.1" and 2022 in years and lacking == "value" for code, lacking, years, _ in pieces
    )
    assert "7.1：缺少2020年数据" in seven.explanation
    assert "2022年上级下达的目标尚未录入，应由创建办录入" in seven.explanation


def test_a_county_without_terrain_owes_11_to_the_administrator(zhonglou_demo):
    before = result(zhonglou_demo, 2021).binding_applicable
    Region.objects.filter(pk=zhonglou_demo.pk).update(terrain="", eco_zone="")
    region = Region.objects.get(pk=zhonglou_demo.pk)
    res = result(region, 2021)
    assert res.binding_applicable == before  # 10 and 11 still count
    for code, attribute in (("10", "eco_zone"), ("11", "terrain")):
        item = next(m for m in res.missing if m.code == code)
        assert item.status == "missing"
        attributes = [p for p in item.pieces if p.lacking == "region_attribute"]
        assert [(p.attribute, p.owner.value) for p in attributes] == [(attribute, "administrator")]


def test_the_citys_gaps_are_owed_by_the_administrator_not_the_creation_office(catalogue):
    city = Region.objects.get(code="320400")  # no department answers for anything yet
    res = result(city, 2021)
    assert res.missing
    for item in res.missing:
        value_pieces = [p for p in item.pieces if p.lacking == "value"]
        assert value_pieces and all(p.owner == "administrator" for p in value_pieces)
        assert "尚未指定责任部门" in value_pieces[0].text
