"""The shipped editions as loaded: indicator counts per category, complete leaves, and the
county edition being a faithful subset of the national one."""

from __future__ import annotations

import pytest

from indicators.models import Criterion, FrameworkEdition, Indicator

EDITIONS = {
    # code: (top-level indicators, binding, reference)
    "jiangsu-county-2019": (34, 20, 14),
    "national-2019": (40, 22, 18),
}


@pytest.fixture
def editions(catalogue):
    return {e.code: e for e in FrameworkEdition.objects.filter(code__in=EDITIONS)}


def test_both_editions_are_loaded_in_force(editions):
    assert {code: e.status for code, e in editions.items()} == dict.fromkeys(EDITIONS, "in_force")


@pytest.mark.parametrize(("code", "expected"), EDITIONS.items())
def test_top_level_indicator_counts_by_category(editions, code, expected):
    top = Indicator.objects.filter(edition=editions[code], parent__isnull=True)

    counts = (
        top.count(),
        top.filter(category="binding").count(),
        top.filter(category="reference").count(),
    )
    assert counts == expected


@pytest.mark.parametrize("code", EDITIONS)
def test_every_leaf_has_a_data_element_and_a_criterion(editions, code):
    leaves = Indicator.objects.filter(edition=editions[code], children__isnull=True)

    assert leaves.exists()
    assert not leaves.filter(data_element__isnull=True).exists()
    with_criteria = set(
        Criterion.objects.filter(indicator__in=leaves).values_list("indicator_id", flat=True)
    )
    assert set(leaves.values_list("pk", flat=True)) == with_criteria


@pytest.mark.parametrize("code", EDITIONS)
def test_parents_have_no_data_element_and_no_criteria(editions, code):
    parents = Indicator.objects.filter(edition=editions[code], children__isnull=False).distinct()

    assert parents.exists()
    assert not parents.filter(data_element__isnull=False).exists()
    assert not Criterion.objects.filter(indicator__in=parents).exists()


@pytest.mark.parametrize("code", EDITIONS)
def test_children_share_their_parents_category_and_scope(editions, code):
    children = Indicator.objects.filter(edition=editions[code], parent__isnull=False)

    assert children.exists()
    for child in children.select_related("parent"):
        assert (child.category, child.scope) == (child.parent.category, child.parent.scope)
        assert child.code.startswith(f"{child.parent.code}.")


def test_county_edition_is_a_subset_of_the_national_one_with_the_same_keys(editions):
    def keys(code):
        rows = Indicator.objects.filter(edition=editions[code])
        return dict(rows.values_list("code", "data_element__key"))

    county, national = keys("jiangsu-county-2019"), keys("national-2019")

    assert set(county) < set(national)
    assert {code: national[code] for code in county} == county


def test_county_edition_leaves_out_exactly_the_city_only_indicators(editions):
    def top_codes(code, **filters):
        rows = Indicator.objects.filter(edition=editions[code], parent__isnull=True, **filters)
        return set(rows.values_list("code", flat=True))

    missing = top_codes("national-2019") - top_codes("jiangsu-county-2019")

    assert missing == {"9", "23", "24", "31", "34", "36"}
    assert missing == top_codes("national-2019", scope="city")
