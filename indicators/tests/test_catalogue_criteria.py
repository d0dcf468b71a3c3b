"""Which criterion applies to a region: the pure functions of indicators.criteria (no
database) and indicators.selectors.criterion_for over the shipped editions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators import criteria
from indicators.models import FrameworkEdition, Indicator, Region
from indicators.selectors import criterion_for

COUNTY_PLAIN_INLAND = {
    "level": "county",
    "terrain": "plain",
    "eco_zone": "other",
    "city_size": "",
    "coastal": "no",
}


def as_is(c: dict) -> dict:
    return c


# --------------------------------------------------------------------------- pure functions


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        ({}, True),
        ({"level": "county"}, True),
        ({"level": "city"}, False),
        ({"level": "county", "terrain": "hill"}, False),
        ({"level": "county", "terrain": ""}, True),
        ({"coastal": "yes"}, False),
        ({"city_size": "large"}, False),
    ],
)
def test_matches_when_every_given_attribute_equals_the_regions(criterion, expected):
    assert criteria.matches(criterion, COUNTY_PLAIN_INLAND) is expected


def test_specificity_counts_only_given_attributes():
    assert criteria.specificity({}) == 0
    assert criteria.specificity({"level": "county", "terrain": ""}) == 1
    assert criteria.specificity({"level": "county", "terrain": "plain"}) == 2


def test_select_prefers_the_most_specific_matching_criterion():
    candidates = [
        {},
        {"level": "county"},
        {"level": "county", "terrain": "plain"},
        {"level": "city"},
    ]

    chosen = criteria.select(candidates, COUNTY_PLAIN_INLAND, as_is)

    assert chosen == {"level": "county", "terrain": "plain"}


def test_select_falls_back_to_the_general_criterion():
    candidates = [{"level": "city"}, {}]

    assert criteria.select(candidates, COUNTY_PLAIN_INLAND, as_is) == {}


def test_select_returns_none_when_nothing_matches():
    candidates = [{"coastal": "yes"}, {"level": "city"}]

    assert criteria.select(candidates, COUNTY_PLAIN_INLAND, as_is) is None
    assert criteria.select([], COUNTY_PLAIN_INLAND, as_is) is None


def test_select_reads_classes_through_the_given_function():
    candidates = [("general", {}), ("county", {"level": "county"})]

    chosen = criteria.select(candidates, COUNTY_PLAIN_INLAND, lambda c: c[1])

    assert chosen[0] == "county"


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        pytest.param([{"level": "county"}, {"terrain": "plain"}], [(0, 1)], id="two-axes"),
        pytest.param([{"level": "county"}, {"level": "city"}], [], id="disjoint"),
        pytest.param(
            [{"level": "county"}, {"level": "county", "terrain": "plain"}], [], id="nested"
        ),
        pytest.param([{"level": "county"}, {"level": "county"}], [(0, 1)], id="same-class"),
        pytest.param([{}, {}], [(0, 1)], id="two-general"),
        pytest.param([{}, {"coastal": "yes"}], [], id="general-and-specific"),
        pytest.param(
            [{"terrain": "mountain"}, {"terrain": "hill"}, {"terrain": "plain"}],
            [],
            id="one-axis-partition",
        ),
        pytest.param(
            [{"level": "city"}, {"level": "county"}, {"coastal": "yes"}],
            [(0, 2), (1, 2)],
            id="several-pairs",
        ),
        pytest.param(
            [{"level": "county", "terrain": ""}, {"terrain": "plain", "level": ""}],
            [(0, 1)],
            id="blank-values-ignored",
        ),
    ],
)
def test_ambiguous_pairs(classes, expected):
    assert criteria.ambiguous_pairs(classes) == expected


# --------------------------------------------------------------------------- criterion_for


@pytest.fixture
def national(catalogue):
    return FrameworkEdition.objects.get(code="national-2019")


@pytest.fixture
def changzhou(catalogue):
    return Region.objects.get(code="320400")


@pytest.fixture
def liyang(catalogue):
    return Region.objects.get(code="320481")


def indicator(edition, code) -> Indicator:
    return Indicator.objects.get(edition=edition, code=code)


def thresholds(criterion) -> list[tuple[str, Decimal]]:
    return [(r.operator, r.value) for r in criterion.rules.all()]


def test_regions_have_the_attributes_the_cases_below_rely_on(zhonglou, changzhou, liyang):
    assert (zhonglou.level, zhonglou.terrain, zhonglou.coastal) == ("county", "plain", False)
    assert (changzhou.level, changzhou.terrain) == ("city", "plain")
    assert (liyang.level, liyang.terrain) == ("county", "hill")


@pytest.mark.parametrize(
    ("region_code", "target", "value"),
    [("320404", "≥85", 85), ("320400", "≥95", 95)],
    ids=["county-district", "city"],
)
def test_sewage_treatment_target_depends_on_level(national, region_code, target, value):
    region = Region.objects.get(code=region_code)

    chosen = criterion_for(indicator(national, "29"), region)

    assert chosen.target_text == target
    assert thresholds(chosen) == [(">=", Decimal(value))]


def test_county_edition_gives_zhonglou_the_county_sewage_target(catalogue, zhonglou):
    chosen = criterion_for(indicator(catalogue, "29"), zhonglou)

    assert thresholds(chosen) == [(">=", Decimal(85))]


@pytest.mark.parametrize(
    ("region_code", "target", "value"),
    [("320404", "≥18", 18), ("320400", "≥18", 18), ("320481", "≥40", 40)],
    ids=["plain-district", "plain-city", "hill-county"],
)
def test_forest_grass_coverage_target_depends_on_terrain(national, region_code, target, value):
    region = Region.objects.get(code=region_code)

    chosen = criterion_for(indicator(national, "11"), region)

    assert chosen.target_text == target
    assert thresholds(chosen) == [(">=", Decimal(value))]


@pytest.mark.parametrize("code", ["13.1", "13.2"])
def test_coastal_indicators_do_not_apply_to_inland_zhonglou(catalogue, zhonglou, code):
    assert criterion_for(indicator(catalogue, code), zhonglou) is None


def test_coastal_indicator_applies_to_a_coastal_county(catalogue, zhonglou):
    zhonglou.coastal = True  # not saved: criterion_for reads the instance

    chosen = criterion_for(indicator(catalogue, "13.1"), zhonglou)

    assert chosen is not None
    assert chosen.coastal == "yes"


def test_county_only_indicator_does_not_apply_to_a_city(national, changzhou, zhonglou):
    straw = indicator(national, "25.1")

    assert straw.scope == "county"
    assert criterion_for(straw, changzhou) is None
    assert thresholds(criterion_for(straw, zhonglou)) == [(">=", Decimal(90))]


def test_city_only_indicator_does_not_apply_to_a_county(national, zhonglou):
    assert criterion_for(indicator(national, "31"), zhonglou) is None


def test_criterion_for_uses_prefetched_criteria(national, changzhou, django_assert_num_queries):
    sewage = (
        Indicator.objects.filter(edition=national, code="29").prefetch_related("criteria").get()
    )

    with django_assert_num_queries(0):
        chosen = criterion_for(sewage, changzhou)

    assert chosen.target_text == "≥95"
