"""Scorecards served from stored bytes: when the snapshot is stored and fresh, the JSON and
CSV bodies are rendered once and served as stored under their ETag — the same bytes and
headers as the full path gives —, a 304 reads no result, and the short path asks the same
permissions as the long one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentSnapshot
from indicators.choices import ValueStatus
from tests import factories
from tests.api_helpers import (
    API,
    FILM,
    PM25,
    STRAW,
    assert_error,
    clear_cache,  # noqa: F401 (fixture)
    key_client,
    load_demo,
    make_key,
    make_value,
    session_client,
)

pytestmark = pytest.mark.usefixtures("clear_cache")

URL = f"{API}regions/320404/scorecard/"
HEADERS = ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Vary", "Allow")


@pytest.fixture
def stored(zhonglou, catalogue):
    """Zhonglou's report figures with their snapshots stored (the recompute's job)."""
    load_demo()
    services.region_refresh(region=zhonglou, years=[], now=timezone.now())


@pytest.fixture
def as_reviewer(reviewer):
    return session_client(reviewer)


def _full_path(client, url):
    """The same scorecard through the full path: the snapshot marked stale, its inputs
    unchanged, so the view reads and serializes the stored result as before."""
    AssessmentSnapshot.objects.update(stale=True)
    try:
        return client.get(url)
    finally:
        AssessmentSnapshot.objects.update(stale=False)


def _selects_results(queries) -> bool:
    return any('"result"' in q["sql"] for q in queries if q["sql"].startswith("SELECT"))


@pytest.mark.parametrize("query", ["", "?format=csv", "?mode=provisional&year=2020"])
def test_stored_bytes_are_the_full_paths_body_byte_for_byte(as_reviewer, stored, query):
    first = as_reviewer.get(URL + query)  # renders and stores
    with CaptureQueriesContext(connection) as queries:
        second = as_reviewer.get(URL + query)  # served as stored
    full = _full_path(as_reviewer, URL + query)
    assert first.status_code == second.status_code == full.status_code == 200
    assert first.content == second.content == full.content
    for header in HEADERS:
        assert second.get(header) == full.get(header), header
    assert not _selects_results(queries)


def test_the_json_is_the_scorecard(as_reviewer, stored):
    as_reviewer.get(URL)
    body = as_reviewer.get(URL).json()
    assert body["region"]["code"] == "320404" and body["stale"] is False
    assert body["indicators"]


@pytest.mark.parametrize("query", ["", "?format=csv"])
def test_a_304_on_the_short_path_reads_no_result(as_reviewer, stored, query):
    etag = as_reviewer.get(URL + query)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        response = as_reviewer.get(URL + query, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag
    assert "Content-Type" not in response
    assert not _selects_results(queries)


def test_a_new_snapshot_is_a_new_body(as_reviewer, stored, zhonglou):
    before = as_reviewer.get(URL)
    value = zhonglou.values.get(data_element__key=STRAW, year=2021)
    value.value = 80
    value.save()
    services.region_refresh(region=zhonglou, years=[2021], now=timezone.now())
    after = as_reviewer.get(URL)
    assert after["ETag"] != before["ETag"] and after.content != before.content
    assert after.content == _full_path(as_reviewer, URL).content


def test_a_renamed_region_is_not_served_the_old_bytes(as_reviewer, stored, zhonglou):
    as_reviewer.get(URL)
    zhonglou.name = "钟楼区（新）"
    zhonglou.save(update_fields=["name"])
    AssessmentSnapshot.objects.filter(region=zhonglou).update(stale=False)
    assert as_reviewer.get(URL).json()["region"]["name"] == "钟楼区（新）"


def test_xlsx_still_renders(as_reviewer, stored):
    response = as_reviewer.get(URL + "?format=xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_stored_bytes_are_not_served_to_those_who_may_not_read_them(
    as_reviewer, stored, clerk_a, outsider, leader, client
):
    assert as_reviewer.get(URL).status_code == 200  # the bytes are now stored
    assert session_client(leader).get(URL).status_code == 200
    assert_error(session_client(clerk_a).get(URL), 403, "permission_denied")
    assert_error(session_client(outsider).get(URL), 404, "not_found")
    assert client.get(URL).status_code in (401, 403)


@pytest.fixture
def figures(zhonglou, catalogue):
    for key, year, value in [(STRAW, 2021, "97"), (FILM, 2021, "88"), (PM25, 2020, "40")]:
        make_value(zhonglou, key, year, value=value, status=ValueStatus.APPROVED)


def test_without_a_stored_snapshot_nothing_is_cached(as_reviewer, figures):
    from django.core.cache import cache

    cache.clear()
    assert as_reviewer.get(URL).status_code == 200
    assert not AssessmentSnapshot.objects.exists()
    assert not any(str(k).find("scorecard:") >= 0 for k in getattr(cache, "_cache", {}))


def _counted(client, url, **headers):
    client.get(url, **headers)  # renders and stores; the key's last use written
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, queries


def test_an_api_key_read_of_a_stored_scorecard_takes_two_queries(reviewer, stored):
    """The key with its owner, the owner's role and whether the key is limited to regions;
    the region with its edition, default year and stored head. Nothing else: no query for
    the owner's groups, the key's regions, the default year or the head of their own."""
    key, _api_key = make_key(reviewer)
    client = key_client(key)
    response, queries = _counted(client, URL)
    assert response.status_code == 200 and response.json()["region"]["code"] == "320404"
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert 'FROM "accounts_apikey"' in queries[0]["sql"]
    assert 'FROM "indicators_region"' in queries[1]["sql"]
    etag = response["ETag"]
    response, queries = _counted(client, URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and len(queries) == 2
    response, queries = _counted(client, URL + "?format=csv")
    assert response.status_code == 200 and len(queries) == 2


def test_a_key_limited_to_regions_reads_its_limit_in_the_regions_query(reviewer, stored, zhonglou):
    key, _api_key = make_key(reviewer, regions=[zhonglou])
    response, queries = _counted(key_client(key), URL)
    assert response.status_code == 200 and len(queries) == 2


@pytest.fixture
def admin(db):
    """An administrator by the role's group (not a superuser)."""
    return factories.UserFactory(username="group-admin", role="admin")


@pytest.fixture
def city_leader(catalogue):
    from indicators.models import Region

    return factories.UserFactory(
        username="city-leader", role="leader", region=Region.objects.get(code="320400")
    )


@pytest.mark.parametrize("role", ["reviewer", "leader", "admin", "superuser", "city_leader"])
def test_every_reader_of_scores_takes_the_short_path(request, stored, role):
    """The short path asks the reader's scope without a query: the region's reviewers and
    leaders, the city's leader (the region is under the city) and an administrator."""
    user = request.getfixturevalue(role)
    key, _api_key = make_key(user)
    client = key_client(key)
    response, queries = _counted(client, URL)
    assert response.status_code == 200 and len(queries) == 2, [q["sql"] for q in queries]
    assert not _selects_results(queries)
    assert response.content == _full_path(client, URL).content


def test_the_short_path_refuses_whom_the_full_path_refuses(stored, outsider, clerk_a, reviewer):
    """Another district's reviewer: 404; a clerk: 403; a revoked key: 401 — after the bytes
    were stored by a reader who may see them."""
    from accounts.services import api_key_revoke

    assert key_client(make_key(reviewer)[0]).get(URL).status_code == 200
    assert_error(key_client(make_key(outsider)[0]).get(URL), 404, "not_found")
    assert_error(key_client(make_key(clerk_a)[0]).get(URL), 403, "permission_denied")
    key, api_key = make_key(reviewer)
    api_key_revoke(actor=factories.UserFactory(is_superuser=True), keys=[api_key])
    assert key_client(key).get(URL).status_code == 401


def test_a_key_limited_to_other_regions_does_not_read_the_scorecard(reviewer, stored, zhonglou):
    from indicators.models import Region

    other = Region.objects.exclude(pk=zhonglou.pk).first()
    key, _api_key = make_key(reviewer, regions=[other])
    assert_error(key_client(key).get(URL), 404, "not_found")


def test_an_asked_year_or_edition_takes_the_head_query(as_reviewer, stored):
    response, queries = _counted(as_reviewer, URL + "?year=2021")
    assert response.status_code == 200
    assert any("assessments_assessmentsnapshot" in q["sql"] for q in queries)
    assert response.content == _full_path(as_reviewer, URL + "?year=2021").content
