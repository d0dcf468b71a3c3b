"""The department page and the overview's completeness and overdue counts list only what the
region owes (indicators.selectors.owed_elements)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dashboard import selectors as pages
from indicators.models import DataElement

pytestmark = pytest.mark.django_db

ECOLOGY = reverse("department", kwargs={"region": "320404", "code": "ecology"})
RESOURCES = reverse("department", kwargs={"region": "320404", "code": "natural-resources"})


def keys_on(page_rows) -> set[str]:
    return {row["element"].key for row in page_rows}


def test_the_ecology_page_does_not_owe_coastal_or_city_only_indicators(client, zhonglou, leader):
    client.force_login(leader)
    response = client.get(ECOLOGY, {"year": 2021})
    keys = keys_on(response.context["rows"])
    assert "air_good_days_ratio" in keys
    assert "coastal_water_good_ratio" not in keys  # 9 coastal
    assert "mandatory_cleaner_production_audit_ratio" not in keys  # 24 city only


def test_the_natural_resources_page_does_not_owe_13_1_or_13_2(client, zhonglou, leader):
    client.force_login(leader)
    keys = keys_on(client.get(RESOURCES, {"year": 2021}).context["rows"])
    assert "forest_grass_coverage" in keys
    assert "natural_coastline_restored_length" not in keys
    assert "coastal_wetland_restored_area" not in keys


def test_completeness_and_overdue_count_only_owed_elements(zhonglou, catalogue):
    resources = zhonglou.departments.get(code="natural-resources")
    years = [2019, 2020, 2021]
    today = datetime.date(2030, 1, 1)  # every value overdue
    row = next(
        r
        for r in pages.completeness(zhonglou, catalogue, years, today, window=set(years))
        if r.department == resources
    )
    led = set(
        resources.responsibilities.filter(role="lead").values_list("data_element__key", flat=True)
    )
    # 13.1 is in the edition and natural resources leads it, but it is coastal only…
    assert "natural_coastline_restored_length" in led
    assert catalogue.indicators.filter(data_element__key="natural_coastline_restored_length")
    owed = {
        DataElement.objects.get(pk=pk).key
        for pk in pages.indicator_selectors.owed_elements(zhonglou, catalogue)
    }
    expected = len(led & owed) * len(years)
    # …but the counts do not owe it.
    assert row.expected == expected == row.counts["missing"] == row.overdue
