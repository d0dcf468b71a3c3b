"""Evidence packages through the API: asked for (202, built after the commit), followed and
downloaded by the region's reviewers, leaders and administrators and a city's for its
districts; clerks, other districts, read-only keys and keys limited to other regions refused;
bad bodies answered with the API's error body; a package that is not ready is a 409."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from dossier.choices import PackageStatus
from dossier.models import EvidencePackage
from tests.api_helpers import (  # noqa: F401
    API,
    assert_error,
    city_reviewer,
    clear_cache,
    key_client,
    make_key,
    session_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

URL = f"{API}evidence-packages/"


def ask(client, capture, body):
    with capture(execute=True):
        return client.post(URL, body, format="json")


def test_a_reviewer_asks_follows_and_downloads(
    demo, catalogue, reviewer, django_capture_on_commit_callbacks
):
    client = session_client(reviewer)
    response = ask(client, django_capture_on_commit_callbacks, {"region": "320404", "year": 2021})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["region"] == "320404" and body["year"] == 2021
    assert body["edition"] == demo.edition.code and body["requester"] == "reviewer"
    assert response["Location"].endswith(f"{URL}{body['id']}/")
    # Built after the commit (Celery, eager here): the package is ready.
    detail = client.get(response["Location"]).json()
    assert detail["status"] == "ready" and detail["progress"] == 100
    assert detail["files"] >= 1 and detail["size"] > 0
    download = client.get(detail["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download["X-Content-Type-Options"] == "nosniff"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "index.xlsx" in archive.namelist()
    listed = client.get(URL, {"region": "320404"}).json()
    assert [p["id"] for p in listed["results"]] == [body["id"]]


def test_edition_and_year_default_to_the_regions(
    demo, catalogue, leader, django_capture_on_commit_callbacks
):
    from indicators import selectors

    response = ask(session_client(leader), django_capture_on_commit_callbacks, {"region": "320404"})
    assert response.status_code == 202, response.content
    package = EvidencePackage.objects.get(pk=response.json()["id"])
    assert package.edition == selectors.region_edition(demo)
    assert package.year == selectors.default_year(demo)


def test_a_package_not_ready_is_a_conflict_and_has_no_download_url(demo, catalogue, reviewer):
    package = EvidencePackage.objects.create(
        requester=reviewer, region=demo, edition=catalogue, year=2021
    )
    client = session_client(reviewer)
    detail = client.get(f"{URL}{package.pk}/").json()
    assert detail["status"] == "queued" and detail["download_url"] is None
    body = assert_error(client.get(f"{URL}{package.pk}/download/"), 409)
    assert "queued" in body["message"]
    EvidencePackage.objects.filter(pk=package.pk).update(status=PackageStatus.READY, file_path="x")
    # Ready but its file is gone (cleaned up): not found, not a server error.
    assert_error(client.get(f"{URL}{package.pk}/download/"), 404)


def test_who_may_ask(demo, catalogue, clerk_a, outsider, superuser):
    assert_error(session_client(clerk_a).post(URL, {"region": "320404"}, format="json"), 403)
    assert_error(session_client(outsider).post(URL, {"region": "320404"}, format="json"), 404)
    assert_error(session_client(outsider).post(URL, {"region": "999999"}, format="json"), 404)
    response = session_client(superuser).post(URL, {"region": "320404"}, format="json")
    assert response.status_code == 202
    city = session_client(city_reviewer())
    response = city.post(URL, {"region": "320404", "year": 2020}, format="json")
    assert response.status_code == 202
    assert EvidencePackage.objects.count() == 2
    assert_error(session_client(clerk_a).post(URL, {"region": "320404"}, format="json"), 403)


def test_who_may_follow(demo, catalogue, reviewer, leader, clerk_a, outsider):
    package = EvidencePackage.objects.create(
        requester=reviewer, region=demo, edition=catalogue, year=2021
    )
    detail = f"{URL}{package.pk}/"
    assert session_client(leader).get(detail).status_code == 200
    assert session_client(city_reviewer()).get(detail).status_code == 200
    assert_error(session_client(clerk_a).get(detail), 403)
    assert_error(session_client(clerk_a).get(URL), 403)
    assert_error(session_client(outsider).get(detail), 404)
    assert_error(session_client(outsider).get(f"{detail}download/"), 404)
    assert session_client(outsider).get(URL).json()["results"] == []
    assert_error(key_client("zl_nonsense").get(URL), 401)
    assert_error(session_client(leader).get(f"{URL}999999/"), 404)


def test_keys_write_only_when_granted_and_stay_within_their_regions(
    demo, catalogue, reviewer, tianning, django_capture_on_commit_callbacks
):
    package = EvidencePackage.objects.create(
        requester=reviewer, region=demo, edition=catalogue, year=2021
    )
    read_only, _ = make_key(reviewer)
    client = key_client(read_only)
    assert client.get(f"{URL}{package.pk}/").status_code == 200
    body = assert_error(client.post(URL, {"region": "320404"}, format="json"), 403)
    assert "read-only" in body["message"]
    elsewhere, _ = make_key(city_reviewer(), can_write=True, regions=[tianning])
    client = key_client(elsewhere)
    assert_error(client.get(f"{URL}{package.pk}/"), 404)
    assert_error(client.post(URL, {"region": "320404"}, format="json"), 404)
    writer, _ = make_key(reviewer, can_write=True)
    body = {"region": "320404", "year": 2020}
    response = ask(key_client(writer), django_capture_on_commit_callbacks, body)
    assert response.status_code == 202


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "region"),
        ({"region": "320404", "year": "abc"}, "year"),
        ({"region": "320404", "year": 1900}, "year"),
        ({"region": "x" * 500}, "region"),
    ],
)
def test_bad_bodies_are_clear_errors_and_ask_for_nothing(demo, catalogue, reviewer, body, field):
    response = assert_error(session_client(reviewer).post(URL, body, format="json"), 400)
    assert field in response["details"]
    assert not EvidencePackage.objects.exists()


def test_an_unknown_edition_is_not_found(demo, catalogue, reviewer):
    body = {"region": "320404", "edition": "no-such-edition"}
    assert_error(session_client(reviewer).post(URL, body, format="json"), 404)
    assert not EvidencePackage.objects.exists()


def test_the_same_package_is_not_built_twice_at_once(demo, catalogue, reviewer, leader):
    body = {"region": "320404", "year": 2021}
    first = session_client(reviewer).post(URL, body, format="json")
    assert first.status_code == 202  # queued: the build runs after the commit
    conflict = assert_error(session_client(leader).post(URL, body, format="json"), 409)
    assert conflict["details"]["id"] == first.json()["id"]
    # Another year is another package.
    other = session_client(leader).post(URL, {**body, "year": 2020}, format="json")
    assert other.status_code == 202
    # A build asked for long ago and never finished (a worker lost) does not block a new one.
    EvidencePackage.objects.filter(pk=first.json()["id"]).update(
        requested_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert session_client(leader).post(URL, body, format="json").status_code == 202


def test_the_page_follows_a_build_under_way_instead_of_asking_again(
    demo, catalogue, reviewer, client
):
    client.force_login(reviewer)
    url = reverse("dossier:package-create", kwargs={"region": "320404"})
    first = client.post(url, {"year": 2021})
    assert first.status_code == 302
    again = client.post(url, {"year": 2021})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert EvidencePackage.objects.count() == 1
