"""The leaders' pages: content, who may see them, and constant query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.seed import ensure_demo_users, load_demo_values
from indicators.models import DataElement, IndicatorValue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("overview", kwargs={"region": "320404"})
STRAW = reverse(
    "indicator", kwargs={"region": "320404", "edition": "jiangsu-county-2019", "code": "25.1"}
)
AGRICULTURE = reverse("department", kwargs={"region": "320404", "code": "agriculture"})
ECOLOGY = reverse("department", kwargs={"region": "320404", "code": "ecology"})


@pytest.fixture
def demo(zhonglou):
    ensure_demo_users()
    from accounts.models import User

    load_demo_values(User.objects.get(username="admin"))
    return zhonglou


def test_overview_shows_the_verdict_gaps_and_who_owes_data(demo, leader, as_user):
    page = as_user(leader, "zh-hans").get(OVERVIEW).content.decode()
    assert 'data-verdict="incomplete"' in page
    assert "城镇污水处理率" in page  # a missing binding indicator in the gap list
    assert "钟楼区住房和城乡建设局" in page  # …and who owes it
    assert "钟楼区农业农村局" in page  # the completeness table
    assert 'id="chart-gauge"' in page and 'id="chart-data"' in page


def test_overview_lists_binding_gaps_before_reference_gaps(demo, reviewer, as_user):
    page = as_user(reviewer, "zh-hans").get(OVERVIEW).content.decode()
    gaps = page[page.index('class="panel gaps"') :]
    assert gaps.index("城镇污水处理率") < gaps.index("林草覆盖率")


def test_overview_in_english_when_switched(demo, leader, as_user):
    page = as_user(leader).get(OVERVIEW).content.decode()
    assert "Incomplete data" in page
    assert "Urban sewage treatment rate" in page


def test_chinese_by_default_whatever_the_browser_announces(demo, leader, client):
    client.force_login(leader)
    page = client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert 'lang="zh-Hans"' in page


def test_provisional_mode_and_year_are_chosen_by_the_query_string(demo, leader, as_user):
    page = (
        as_user(leader, "zh-hans")
        .get(OVERVIEW, {"mode": "provisional", "year": 2020})
        .content.decode()
    )
    assert 'value="provisional" selected' in page
    assert 'value="2020" selected' in page


def test_indicator_page_shows_values_criterion_evidence_and_departments(demo, leader, as_user):
    page = as_user(leader, "zh-hans").get(STRAW).content.decode()
    assert "≥90" in page
    assert "97%" in page
    assert "钟楼区农业农村局" in page
    assert "钟楼区创建工作报告" in page  # the source of the figure


def test_indicator_page_of_72_shows_the_decline_and_names_the_entered_concentration(
    demo, leader, as_user
):
    url = reverse(
        "indicator", kwargs={"region": "320404", "edition": "jiangsu-county-2019", "code": "7.2"}
    )
    page = as_user(leader, "zh-hans").get(url).content.decode()
    leaf = page[page.index('id="leaf-7.2"') :]
    heading = leaf[: leaf.index("</h2>")]
    assert "PM2.5浓度下降幅度" in heading and "%" in heading and "μg/m³" not in heading
    assert "PM2.5年均浓度" in leaf  # the table's entered values are the concentration, by name
    assert "(47.4 − 36.9) ÷ 47.4 × 100 = 22.2%" in page  # the computed decline, its arithmetic
    assert "下降幅度为36.9" not in page
    assert "7.2 PM2.5年均浓度" in page  # the chart of the entered values, by their name


def test_indicator_page_of_a_qualitative_item_links_its_evidence(demo, leader, as_user):
    url = reverse(
        "indicator", kwargs={"region": "320404", "edition": "jiangsu-county-2019", "code": "1"}
    )
    page = as_user(leader, "zh-hans").get(url).content.decode()
    assert "/evidence/" in page


def test_department_page_lists_what_is_owed_and_links_to_entry(demo, clerk_a, as_user):
    page = as_user(clerk_a, "zh-hans").get(AGRICULTURE).content.decode()
    assert "畜禽粪污综合利用率" in page
    assert reverse("admin:indicators_indicatorvalue_add") in page


def test_returned_values_show_their_reason_on_the_department_page(demo, clerk_a, reviewer, as_user):
    from indicators import services

    straw = DataElement.objects.get(key="straw_utilization_rate")
    value = services.value_save(
        actor=clerk_a, region=demo, data_element=straw, year=2020, value=Decimal(95)
    ).value
    services.value_submit(value=value, actor=clerk_a)
    services.value_return(
        value=IndicatorValue.objects.get(pk=value.pk), actor=reviewer, reason="请附统计年报"
    )
    assert "请附统计年报" in as_user(clerk_a, "zh-hans").get(AGRICULTURE).content.decode()


@pytest.mark.parametrize(
    ("user", "url", "status"),
    [
        ("leader", OVERVIEW, 200),
        ("reviewer", OVERVIEW, 200),
        ("outsider", OVERVIEW, 404),
        ("outsider", STRAW, 404),
        ("outsider", AGRICULTURE, 404),
        ("clerk_a", OVERVIEW, 302),
        ("clerk_a", AGRICULTURE, 200),
        ("clerk_a", ECOLOGY, 404),
        ("clerk_a", STRAW, 200),
        ("clerk_b", STRAW, 404),
        ("leader", ECOLOGY, 200),
    ],
)
def test_who_sees_which_page(demo, as_user, user, url, status):
    response = as_user(user, "zh-hans").get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == AGRICULTURE


def test_a_clerk_of_another_region_gets_404(demo, tianning, as_user):
    clerk = UserFactory(username="tn-clerk", role="clerk", department=tianning.departments.first())
    assert as_user(clerk, "zh-hans").get(OVERVIEW).status_code == 404
    assert as_user(clerk, "zh-hans").get(AGRICULTURE).status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_home_sends_each_role_to_its_page(demo, leader, reviewer, clerk_a, as_user):
    assert as_user(leader, "zh-hans").get("/")["Location"] == OVERVIEW
    assert as_user(reviewer, "zh-hans").get("/")["Location"] == OVERVIEW
    page = as_user(clerk_a, "zh-hans").get(
        "/"
    )  # what the department owes (dashboard/tests/test_landing.py)
    assert page.status_code == 200 and AGRICULTURE in page.content.decode()


def test_city_leader_compares_its_districts(demo, zhonglou, tianning, as_user):
    from indicators.models import Region

    city_leader = UserFactory(
        username="cz-leader", role="leader", region=Region.objects.get(code="320400")
    )
    page = as_user(city_leader, "zh-hans").get(reverse("compare")).content.decode()
    assert "钟楼区" in page
    assert as_user(city_leader, "zh-hans").get(OVERVIEW).status_code == 200


def test_a_city_leader_lands_on_the_comparison(demo, as_user):
    from indicators.models import Region

    city = Region.objects.get(code="320400")
    city_leader = UserFactory(username="cz-leader", role="leader", region=city)
    assert as_user(city_leader, "zh-hans").get("/")["Location"] == reverse("compare")


@pytest.mark.parametrize(
    ("language", "label"),
    [("zh-hans", "示例区01（合成）"), ("en", "Sample district 01 (synthetic)")],
)
def test_the_comparison_chart_says_synthetic_once(demo, as_user, language, label):
    import json

    from demo.synthetic import create_synthetic_regions
    from indicators.models import Region

    admin = UserFactory(username="synthetic_admin", is_superuser=True, is_staff=True)
    create_synthetic_regions(count=1, actor=admin)
    city_leader = UserFactory(
        username="cz-leader", role="leader", region=Region.objects.get(code="320400")
    )
    page = as_user(city_leader, language).get(reverse("compare")).content.decode()
    data = page[page.index('id="chart-data"') :]
    charts = json.loads(data[data.index(">") + 1 : data.index("</script>")])
    assert label in charts["compare"]["regions"]


def test_district_leader_compare_page_has_only_its_region(demo, leader, as_user):
    page = as_user(leader, "zh-hans").get(reverse("compare")).content.decode()
    assert "钟楼区" in page and "天宁区" not in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _more_values(region, actor):
    """Approved values for every data element over six more years (synthetic, test only)."""
    rows = []
    for element in DataElement.objects.exclude(value_kind="boolean"):
        for year in range(2013, 2019):
            rows.append(
                IndicatorValue(
                    region=region,
                    data_element=element,
                    year=year,
                    value=50,
                    status="approved",
                    source="synthetic",
                )
            )
    IndicatorValue.objects.bulk_create(rows)


@pytest.mark.parametrize("url", [OVERVIEW, STRAW, AGRICULTURE])
def test_pages_answer_in_a_constant_number_of_queries(demo, leader, as_user, url):
    client = as_user(leader, "zh-hans")
    client.get(url)  # computes and stores the snapshot on first view
    before = _queries(client, url)
    _more_values(demo, leader)
    client.get(url)  # the new years' snapshots, if the page computes any
    assert _queries(client, url) == before


@pytest.mark.parametrize(("user", "status"), [("leader", 200), ("reviewer", 200), ("clerk_a", 403)])
def test_snapshot_history_in_the_admin_is_for_score_readers(demo, as_user, user, status):
    as_user("leader", "zh-hans").get(OVERVIEW)  # computes a snapshot
    response = as_user(user, "zh-hans").get(
        reverse("admin:assessments_assessmentsnapshot_changelist")
    )
    assert response.status_code == status


def test_outsider_sees_no_zhonglou_snapshot_in_the_admin(demo, leader, outsider, as_user):
    as_user(leader, "zh-hans").get(OVERVIEW)
    page = as_user(outsider, "zh-hans").get(
        reverse("admin:assessments_assessmentsnapshot_changelist")
    )
    assert "钟楼区" not in page.content.decode()


def _chart_data(page: str) -> dict:
    import json

    start = page.index('<script id="chart-data" type="application/json">')
    body = page[page.index(">", start) + 1 : page.index("</script>", start)]
    return json.loads(body)


def test_indicator_page_shows_the_projection_its_method_thresholds_and_inputs(
    zhonglou, leader, as_user
):
    from indicators.choices import ValueStatus
    from tests.api_helpers import STRAW as STRAW_KEY
    from tests.api_helpers import make_value

    for year, value in [(2019, "80"), (2020, "84"), (2021, "88.2")]:
        make_value(zhonglou, STRAW_KEY, year, value=value, status=ValueStatus.APPROVED)
    page = as_user(leader).get(STRAW).content.decode()
    block = page[page.index('id="projection-25.1"') :]
    block = block[: block.index("</div>")]
    assert 'data-progress="on_track"' in block
    assert "Compound annual growth rate" in block
    assert "+5.00%" in block and "+4.00%" in block  # observed, needed
    assert "124.9%" in block  # R
    assert "2021: 88.2；2022: 92.61" in block
    assert "2019: 80 → 2021: 88.2" in block
    assert "R ≥ 95%" in block  # the thresholds
    chart = _chart_data(page)["series"][0]
    assert chart["years"] == ["2019", "2020", "2021", "2022"]
    assert chart["projection"] == [None, None, 88.2, 92.61]
    assert chart["threshold"] == 90.0


def test_an_indicator_with_one_year_of_values_says_it_cannot_be_projected(demo, leader, as_user):
    page = as_user(leader).get(STRAW).content.decode()
    assert 'data-progress="insufficient_data"' in page
    assert "Only 1 year of values: a projection needs at least three." in page
    assert _chart_data(page)["series"][0]["projection"] is None


def test_a_clerk_sees_no_projection(demo, clerk_a, as_user):
    page = as_user(clerk_a).get(STRAW).content.decode()
    assert 'id="projection-' not in page
