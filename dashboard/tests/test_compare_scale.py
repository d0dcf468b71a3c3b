"""The comparison page at province scale: its regions' stored verdicts in one query (their
explained results are not read), the same number of queries for few or many regions, pages
of ``COMPARE_PAGE_SIZE`` ranked overall, and the same permissions as before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentSnapshot
from dashboard import views
from demo.seed import ensure_demo_users, load_demo_values
from demo.synthetic import create_synthetic_regions
from indicators.models import Region
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COMPARE = reverse("compare")


@pytest.fixture
def province(zhonglou):
    """Zhonglou's demo figures and six synthetic districts, every verdict stored."""
    ensure_demo_users()
    from accounts.models import User

    admin = User.objects.get(username="admin")
    load_demo_values(admin)
    regions = [zhonglou, *create_synthetic_regions(count=6, actor=admin)]
    services.regions_refresh(regions=regions, now=timezone.now())
    return regions


@pytest.fixture
def city_leader(province):
    return UserFactory(
        username="cz-leader", role="leader", region=Region.objects.get(code="320400")
    )


def _get(client, user, query=""):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(COMPARE + query)
    return response, [q["sql"] for q in queries]


def _snapshot_reads(sql):
    return [q for q in sql if "assessments_assessmentsnapshot" in q]


def test_the_stored_verdicts_are_read_in_one_query_without_results(client, city_leader):
    response, sql = _get(client, city_leader)
    assert response.status_code == 200
    reads = _snapshot_reads(sql)
    assert len(reads) == 1 and '"result"' not in reads[0]
    assert len(response.context["rows"]) == 7


def test_queries_do_not_grow_with_regions(client, city_leader, settings):
    _response, few = _get(client, city_leader)
    admin = UserFactory(username="more_admin", is_superuser=True, is_staff=True)
    more = create_synthetic_regions(count=12, actor=admin)
    services.regions_refresh(regions=more, now=timezone.now())
    response, many = _get(client, city_leader)
    assert len(response.context["rows"]) == 13
    assert len(many) == len(few)


def test_only_the_anchor_and_the_page_regions_are_loaded(client, city_leader, monkeypatch):
    """The regions are ranked by their ids and stored verdicts: a model instance is built for
    the reader's anchor and for the regions of the page shown, not for every region."""
    from django.db.models.signals import post_init

    monkeypatch.setattr(views, "COMPARE_PAGE_SIZE", 3)
    built = []

    def count(sender, instance, **kwargs):
        built.append(instance.pk)

    post_init.connect(count, sender=Region)
    try:
        response, _sql = _get(client, city_leader)
    finally:
        post_init.disconnect(count, sender=Region)
    shown = [r["region"].pk for r in response.context["rows"]]
    assert len(shown) == 3 and set(shown) <= set(built)
    assert len(built) <= 4


def test_stale_or_missing_verdicts_are_computed_together_and_nothing_is_stored(
    client, city_leader, province
):
    AssessmentSnapshot.objects.filter(region=province[1]).update(stale=True)
    AssessmentSnapshot.objects.filter(region=province[2]).delete()
    before = AssessmentSnapshot.objects.count()
    response, sql = _get(client, city_leader)
    assert response.status_code == 200 and len(response.context["rows"]) == 7
    assert AssessmentSnapshot.objects.count() == before
    assert not any(q.startswith(("INSERT", "UPDATE", "DELETE")) for q in sql)


def test_many_regions_are_paged_ranked_overall(client, city_leader, monkeypatch):
    monkeypatch.setattr(views, "COMPARE_PAGE_SIZE", 3)
    first, _sql = _get(client, city_leader)
    third, _sql = _get(client, city_leader, "?page=3")
    assert len(first.context["rows"]) == 3 and len(third.context["rows"]) == 1
    ratios = [r["result"].reference_ratio or 0 for r in first.context["rows"]]
    assert ratios == sorted(ratios, reverse=True)
    assert min(ratios) >= (third.context["rows"][0]["result"].reference_ratio or 0)
    page = first.content.decode()
    assert "Page 1 of 3" in page and 'rel="next"' in page
    for bad in ("?page=abc", "?page=999", "?page=-1"):
        assert _get(client, city_leader, bad)[0].status_code == 200


def test_a_district_leader_compares_only_their_district(client, leader, province):
    response, _sql = _get(client, leader)
    assert [r["region"].code for r in response.context["rows"]] == ["320404"]


def test_an_outsider_sees_none_of_the_province(client, outsider, province):
    response, _sql = _get(client, outsider)
    # Tianning has no data in this world: nothing to compare.
    assert response.status_code == 404


def test_a_clerk_may_not_compare(client, clerk_a, province):
    response, _sql = _get(client, clerk_a)
    assert response.status_code == 404  # as before: the scores are not a clerk's


def test_anonymous_is_sent_to_the_login(client, province):
    response = client.get(COMPARE)
    assert response.status_code == 302


def test_each_row_shows_its_link_verdict_counts_and_time(client, city_leader):
    """The rows' words are written in the view: the link to the region's overview with the
    page's choice, the verdict's icon and word, both counts with the reference share, the
    time of the verdict."""
    from django.utils.formats import date_format

    response, _sql = _get(client, city_leader)
    page = response.content.decode()
    choice = response.context["choice"]
    zhonglou = next(r for r in response.context["rows"] if r["region"].code == "320404")
    line = zhonglou["result"]
    href = reverse("overview", args=["320404"]) + choice.query()
    assert f'<a href="{href.replace("&", "&amp;")}">Zhonglou District</a>' in page
    from dashboard.templatetags.zl import verdict_icon, verdict_label

    word = f"{verdict_icon(line.verdict)} {verdict_label(line.verdict)}"
    assert f'badge-{line.verdict}">{word}</span>' in page
    assert f"<td>{line.binding_met} / {line.binding_applicable}</td>" in page
    assert f"<td>{line.reference_met} / {line.reference_applicable} (" in page
    shown = date_format(timezone.localtime(line.as_of), "SHORT_DATETIME_FORMAT")
    assert f"<td>{shown}</td>" in page
