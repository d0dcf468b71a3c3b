"""The assessment year: set by a region's reviewers, else the latest year with approved values
(a draft moves no default); every page, the scorecard API and the CLI open on it. And what the
overview's gap list says is missing, with its owner and the value's word."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from indicators import selectors, services
from indicators.models import DataElement, Region
from tests.api_helpers import session_client

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("overview", kwargs={"region": "320404"})
COMPARE = reverse("compare")
SCORECARD = "/api/v1/regions/320404/scorecard/"


def draft(region, key: str, year: int, value=95):
    return services.value_save(
        actor=User.objects.get(username="admin"),
        region=region,
        data_element=DataElement.objects.get(key=key),
        year=year,
        value=value,
    ).value


def test_a_draft_for_a_later_year_moves_no_default(zhonglou_demo, leader, client):
    draft(zhonglou_demo, "straw_utilization_rate", 2023)
    assert selectors.default_year(zhonglou_demo) == 2021
    client.force_login(leader)
    assert client.get(OVERVIEW).context["choice"].year == 2021
    assert client.get(COMPARE).context["choice"].year == 2021
    assert session_client(leader).get(SCORECARD).json()["year"] == 2021


def test_the_reviewers_assessment_year_is_the_default_everywhere(zhonglou_demo, reviewer, client):
    services.region_assessment_year_set(actor=reviewer, region=zhonglou_demo, year=2020)
    client.force_login(reviewer)
    assert client.get(OVERVIEW).context["choice"].year == 2020
    assert session_client(reviewer).get(SCORECARD).json()["year"] == 2020
    assert client.get(OVERVIEW, {"year": 2021}).context["choice"].year == 2021  # asked for


def test_only_a_reviewer_of_the_region_sets_its_assessment_year(
    zhonglou, clerk_a, leader, outsider
):
    for actor in (clerk_a, leader, outsider):
        with pytest.raises(PermissionDenied):
            services.region_assessment_year_set(actor=actor, region=zhonglou, year=2021)
    assert Region.objects.get(pk=zhonglou.pk).assessment_year is None


def test_an_assessment_year_out_of_bounds_is_refused_clearly(zhonglou, reviewer):
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.region_assessment_year_set(actor=reviewer, region=zhonglou, year=1800)
    assert "year" in exc.value.message_dict


def test_the_year_lock_admin_action_sets_the_assessment_year(zhonglou, reviewer, client):
    lock = services.year_lock(actor=reviewer, region=zhonglou, year=2021)
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:indicators_yearlock_changelist"),
        {"action": "make_assessment_year", "_selected_action": [lock.pk]},
    )
    assert response.status_code == 302
    assert Region.objects.get(pk=zhonglou.pk).assessment_year == 2021


def test_default_years_read_many_regions_in_one_query(
    zhonglou, tianning, django_assert_num_queries
):
    with django_assert_num_queries(1):
        selectors.default_years([zhonglou, tianning])


def test_default_years_and_data_years_per_region(
    zhonglou_demo, tianning, django_assert_num_queries
):
    """The latest approved year of each region (a draft moves none; a region without approved
    values falls back to last year) and the span of years of all, one query each."""
    from indicators.models import IndicatorValue

    latest = max(IndicatorValue.objects.filter(region=zhonglou_demo).values_list("year", flat=True))
    draft(zhonglou_demo, "pm25_annual_mean", latest + 1)
    with django_assert_num_queries(1):
        years = selectors.default_years([zhonglou_demo, tianning])
    approved = IndicatorValue.objects.filter(region=zhonglou_demo, status="approved")
    assert years[zhonglou_demo.pk] == max(approved.values_list("year", flat=True))
    assert years[tianning.pk] == timezone.localdate().year - 1
    first = min(IndicatorValue.objects.values_list("year", flat=True))
    with django_assert_num_queries(1):
        span = selectors.data_years([zhonglou_demo, tianning])
    assert span == list(range(latest + 1, first - 1, -1))
    assert selectors.data_years([tianning]) == []


def test_the_span_read_with_one_region_is_the_span_of_all(
    zhonglou_demo, tianning, django_assert_num_queries
):
    """with_year_span: the region a page loads (here the first by code, which holds no values)
    carries the span of years and the latest default year of every region of the queryset,
    as year_span gives them, in the one query that loads it."""
    from indicators.models import IndicatorValue

    services.region_assessment_year_set(
        actor=User.objects.get(username="admin"), region=tianning, year=2023
    )
    regions = Region.objects.filter(pk__in=[zhonglou_demo.pk, tianning.pk])
    with django_assert_num_queries(1):
        first = selectors.with_year_span(regions).order_by("code").first()
    assert first.pk == tianning.pk
    years = IndicatorValue.objects.filter(region=zhonglou_demo).values_list("year", flat=True)
    expected = selectors.YearSpan(list(range(max(years), min(years) - 1, -1)), 2023)
    assert selectors.span_of(first) == selectors.year_span(regions) == expected
    alone = selectors.with_year_span(Region.objects.filter(pk=tianning.pk)).get()
    assert selectors.span_of(alone) == selectors.YearSpan([], 2023)


def test_the_default_year_in_sql_is_the_default_year(zhonglou_demo, tianning, reviewer):
    """default_year_sql (the scorecard's short path reads it inside its one query) gives what
    default_years gives: the reviewers' year, else the latest approved year (a later draft
    moves nothing), else last year."""
    from django.db import connection

    def in_sql() -> dict[int, int]:
        sql, params = selectors.default_year_sql()
        table = Region._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT "{table}"."id", {sql} FROM "{table}"', params)
            return dict(cursor.fetchall())

    draft(zhonglou_demo, "pm25_annual_mean", 2024)
    regions = list(Region.objects.all())
    assert in_sql() == selectors.default_years(regions)
    services.region_assessment_year_set(actor=reviewer, region=zhonglou_demo, year=2019)
    assert (
        in_sql()[zhonglou_demo.pk]
        == 2019
        == selectors.default_year(Region.objects.get(pk=zhonglou_demo.pk))
    )
    assert in_sql()[tianning.pk] == timezone.localdate().year - 1


def gaps(page: str) -> str:
    return page[page.index('class="panel gaps"') : page.index('class="panel completeness"')]


def row_of(section: str, code: str) -> str:
    start = section.index(f">{code} ")
    return section[start : section.index("</tr>", start)]


def test_the_gap_list_says_row_32_owes_its_assigned_target_to_the_creation_office(
    zhonglou_demo, leader, client
):
    client.force_login(leader)
    with translation.override("zh-hans"):
        row = row_of(gaps(client.get(OVERVIEW, {"year": 2021}).content.decode()), "32")
    assert 'data-owner="creation_office"' in row and "创建办" in row
    assert "上级下达的目标尚未录入" in row
    assert "农业农村局" not in row and "卫生健康局" not in row


def test_the_gap_list_shows_a_draft_as_a_draft_with_its_department(zhonglou_demo, leader, client):
    draft(zhonglou_demo, "urban_sewage_treatment_rate", 2021, 90)
    client.force_login(leader)
    client.cookies["django_language"] = "zh-hans"
    row = row_of(gaps(client.get(OVERVIEW, {"year": 2021}).content.decode()), "29")
    assert "badge-draft" in row and "草稿" in row
    assert "待审核" not in row  # no reviewer can act on a draft
    assert 'data-owner="department"' in row and "钟楼区住房和城乡建设局" in row


def test_the_indicator_page_says_who_owes_what_for_each_year(zhonglou_demo, leader, client):
    client.force_login(leader)
    client.cookies["django_language"] = "zh-hans"
    url = reverse(
        "indicator", kwargs={"region": "320404", "edition": "jiangsu-county-2019", "code": "32"}
    )
    page = client.get(url).content.decode()
    assert 'data-owner="creation_office"' in page
    assert "2021年上级下达的目标尚未录入，应由创建办录入" in page
