"""The value list's department filter at province scale: no DISTINCT unless the filter is
used (and none when it is: an EXISTS), a department's values in its own region only, and
choices limited to the reader's district or the chosen region (an administrator of a
province picks a region first) — never a department out of the reader's scope."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.synthetic import create_synthetic_regions
from indicators.choices import ValueStatus
from indicators.models import Department
from tests.factories import make_value

from .values_helpers import url

pytestmark = pytest.mark.django_db

STRAW = "straw_utilization_rate"  # agriculture's
PM25 = "pm25_annual_mean"  # ecology's


@pytest.fixture
def values(zhonglou, tianning, agriculture, ecology):
    return {
        "straw": make_value(zhonglou, STRAW, 2021, status=ValueStatus.APPROVED),
        "pm25": make_value(zhonglou, PM25, 2021, status=ValueStatus.APPROVED),
        "tianning_straw": make_value(tianning, STRAW, 2021, status=ValueStatus.APPROVED),
    }


def _list(client, user, query=""):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{url('changelist')}{query}")
    assert response.status_code == 200
    return response, [q["sql"] for q in queries]


def _distinct_rows(sql: list[str]) -> list[str]:
    """Queries that count or page the values with DISTINCT (the year filter's DISTINCT list
    of years is another matter)."""
    return [
        q
        for q in sql
        if "COUNT(DISTINCT" in q.upper()
        or (q.upper().startswith("SELECT DISTINCT") and '"indicators_indicatorvalue"."id"' in q)
    ]


def _choices(response) -> set[str]:
    for spec in response.context["cl"].filter_specs:
        if getattr(spec, "parameter_name", "") == "department":
            return {str(key) for key, _label in spec.lookup_choices}
    return set()


def test_no_distinct_when_the_department_filter_is_not_used(client, superuser, values):
    _response, sql = _list(client, superuser)
    assert _distinct_rows(sql) == []


def test_a_department_lists_its_values_in_its_region_without_distinct(
    client, superuser, values, agriculture
):
    response, sql = _list(client, superuser, f"?department={agriculture.pk}")
    assert {v.pk for v in response.context["cl"].result_list} == {values["straw"].pk}
    assert _distinct_rows(sql) == []


@pytest.mark.parametrize("query", ["?department=abc", "?department=999999", "?department="])
def test_a_bad_department_is_no_500(client, superuser, values, query):
    response, _sql = _list(client, superuser, query)
    assert response.status_code == 200


def test_a_reviewer_is_offered_the_departments_of_their_district(
    client, reviewer, values, zhonglou
):
    response, _sql = _list(client, reviewer)
    assert _choices(response) == {str(d.pk) for d in zhonglou.departments.all()}


def test_a_clerk_is_offered_their_own_department_only(client, clerk_a, values, agriculture):
    response, _sql = _list(client, clerk_a)
    assert _choices(response) == {str(agriculture.pk)}


def test_an_outsider_cannot_filter_on_zhonglous_departments(client, outsider, values, agriculture):
    response, _sql = _list(client, outsider, f"?department={agriculture.pk}")
    assert list(response.context["cl"].result_list) == []
    assert str(agriculture.pk) not in _choices(response)


def test_a_province_administrator_picks_a_region_first(
    client, superuser, values, zhonglou, settings
):
    create_synthetic_regions(count=8, actor=superuser)
    assert Department.objects.count() > 100
    response, _sql = _list(client, superuser)
    assert _choices(response) == set()  # too many to list: hidden until a region is chosen
    response, _sql = _list(client, superuser, f"?region={zhonglou.pk}")
    assert _choices(response) == {str(d.pk) for d in zhonglou.departments.all()}


def test_anonymous_is_sent_to_the_login(client, values):
    response = client.get(url("changelist"))
    assert response.status_code == 302


def test_a_department_asked_for_without_its_region_still_filters(
    client, superuser, values, agriculture
):
    create_synthetic_regions(count=8, actor=superuser)
    response, _sql = _list(client, superuser, f"?department={agriculture.pk}")
    assert {v.pk for v in response.context["cl"].result_list} == {values["straw"].pk}
