"""One answer to "does this region owe this element?": the applicability selector and the Excel
template that uses it (the pages that use it: dashboard/tests/test_owed_pages.py)."""

from __future__ import annotations

import pytest

from indicators import selectors
from indicators.excel import template_rows
from indicators.models import DataElement, Indicator, NotApplicableDeclaration
from indicators.services import declaration_approve, declaration_propose

pytestmark = pytest.mark.django_db

COASTAL = "coastal_water_good_ratio"  # 9, coastal only (not in the Jiangsu county list)
COASTLINE = "natural_coastline_restored_length"  # 13.1, coastal only
CITY_ONLY = "mandatory_cleaner_production_audit_ratio"  # 24, city only
FOREST = "forest_grass_coverage"  # 11, a criterion per terrain class
STRAW = "straw_utilization_rate"  # 25.1


def element_id(key: str) -> int:
    return DataElement.objects.get(key=key).pk


def test_elements_of_indicators_that_do_not_apply_are_not_owed(zhonglou, catalogue):
    owed = selectors.owed_elements(zhonglou, catalogue)
    for key in (COASTAL, COASTLINE, CITY_ONLY):
        assert element_id(key) not in owed, key
    assert element_id(STRAW) in owed and element_id(FOREST) in owed


def test_an_approved_declaration_makes_the_element_not_owed(zhonglou, catalogue, reviewer):
    indicator = Indicator.objects.get(edition=catalogue, code="25.1")
    declaration = declaration_propose(
        actor=reviewer, region=zhonglou, indicator=indicator, reason="无耕地"
    )
    assert element_id(STRAW) in selectors.owed_elements(zhonglou, catalogue)  # only proposed
    declaration_approve(
        actor=reviewer, declaration=NotApplicableDeclaration.objects.get(pk=declaration.pk)
    )
    answer = selectors.applicability(zhonglou, catalogue)[indicator.pk]
    assert (answer.applies, answer.not_applicable, answer.declared_reason) == (
        False,
        "declared",
        "无耕地",
    )
    assert element_id(STRAW) not in selectors.owed_elements(zhonglou, catalogue)


def test_a_declared_parent_makes_its_sub_indicators_not_owed(zhonglou, catalogue, reviewer):
    parent = Indicator.objects.get(edition=catalogue, code="25")
    declaration = declaration_propose(
        actor=reviewer, region=zhonglou, indicator=parent, reason="无"
    )
    declaration_approve(actor=reviewer, declaration=declaration)
    answer = selectors.applicability(zhonglou, catalogue)[
        Indicator.objects.get(edition=catalogue, code="25.1").pk
    ]
    assert (answer.not_applicable, answer.parent_code) == ("parent", "25")


def test_an_unset_terrain_leaves_forest_cover_owed_with_the_attribute_missing(zhonglou, catalogue):
    zhonglou.terrain = ""
    zhonglou.save()
    forest = Indicator.objects.get(edition=catalogue, data_element__key=FOREST)
    answer = selectors.applicability(zhonglou, catalogue)[forest.pk]
    assert answer.applies and answer.criterion is None
    assert answer.missing_attributes == ("terrain",)
    assert element_id(FOREST) in selectors.owed_elements(zhonglou, catalogue)
    # A coastal-only indicator stays not applicable: "coastal" is never unset.
    coastal = Indicator.objects.get(edition=catalogue, data_element__key=COASTLINE)
    assert selectors.applicability(zhonglou, catalogue)[coastal.pk].not_applicable == "no_criterion"


def test_applicability_reads_in_a_fixed_number_of_queries(
    zhonglou, catalogue, django_assert_num_queries
):
    with django_assert_num_queries(4):  # indicators, criteria, rules, declarations
        selectors.applicability(zhonglou, catalogue)


def test_the_excel_template_has_no_row_for_an_element_the_region_does_not_owe(
    zhonglou, ecology, clerk_b
):
    keys = {row.element.key for row in template_rows(clerk_b, zhonglou, [2021])}
    assert "air_good_days_ratio" in keys
    assert COASTAL not in keys and CITY_ONLY not in keys
