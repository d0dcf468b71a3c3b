"""The evidence packages' admin screen: read-only for everyone, each user seeing the packages
they may follow (their own, and those of the regions whose scores they read), others' a 404,
in a number of queries that does not grow with the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossier.choices import PackageStatus
from dossier.models import EvidencePackage

pytestmark = pytest.mark.django_db

LIST = reverse("admin:dossier_evidencepackage_changelist")
USERS = ["clerk_a", "clerk_b", "reviewer", "leader", "outsider", "superuser", "anonymous"]


def change_url(package) -> str:
    return reverse("admin:dossier_evidencepackage_change", args=[package.pk])


@pytest.fixture
def packages(zhonglou, tianning, catalogue, leader, reviewer, outsider):
    def make(region, requester, **fields):
        return EvidencePackage.objects.create(
            region=region, edition=catalogue, year=2021, requester=requester, **fields
        )

    return {
        "ready": make(zhonglou, leader, status=PackageStatus.READY, size=123456, file_path="a.zip"),
        "failed": make(
            zhonglou, reviewer, status=PackageStatus.FAILED, error="OSError: " + "x" * 200
        ),
        "other": make(tianning, outsider, status=PackageStatus.QUEUED),
    }


SEES = {
    "clerk_a": set(),  # clerks read no scores and cannot ask for packages
    "clerk_b": set(),
    "reviewer": {"ready", "failed"},
    "leader": {"ready", "failed"},
    "outsider": {"other"},  # a reviewer of another district
    "superuser": {"ready", "failed", "other"},
}


@pytest.mark.parametrize("user", USERS)
def test_each_user_lists_the_packages_they_may_follow(as_user, packages, clerk_a, clerk_b, user):
    response = as_user(user).get(LIST)
    if user == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    assert response.status_code == 200
    expected = {packages[name].pk for name in SEES[user]}
    assert {p.pk for p in response.context["cl"].result_list} == expected


@pytest.mark.parametrize("user", USERS)
def test_a_package_outside_the_scope_does_not_exist(as_user, packages, clerk_a, clerk_b, user):
    response = as_user(user).get(change_url(packages["other"]))
    if user == "anonymous":
        assert response.status_code == 302
    elif "other" in SEES[user]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_the_list_shows_region_requester_status_size_created_and_error(as_user, packages):
    page = as_user("reviewer").get(LIST).content.decode()
    for text in (
        "钟楼区",
        '<td class="field-requester nowrap">leader</td>',
        '<td class="field-status">ready</td>',
        '<td class="field-status">failed</td>',
        '<td class="field-size">123456</td>',
        "OSError: xxx",
        '<td class="field-requested_at nowrap">',
    ):
        assert text in page
    assert "x" * 100 not in page  # the error is cut short in the list
    page = as_user("reviewer").get(change_url(packages["failed"])).content.decode()
    assert "x" * 200 in page and 'name="_save"' not in page  # read-only, whole error


@pytest.mark.parametrize("user", ["reviewer", "leader", "superuser"])
def test_nobody_adds_changes_or_deletes_a_package_in_the_admin(as_user, packages, user):
    client = as_user(user)
    package = packages["ready"]
    assert client.get(reverse("admin:dossier_evidencepackage_add")).status_code == 403
    delete = reverse("admin:dossier_evidencepackage_delete", args=[package.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(change_url(package), {"status": "failed", "year": 2020}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [package.pk], "post": "yes"}
    client.post(LIST, bulk)
    package.refresh_from_db()
    assert package.status == PackageStatus.READY and package.year == 2021


@pytest.mark.parametrize(("user", "shown"), [("reviewer", True), ("clerk_a", False)])
def test_the_admin_index_offers_the_screen_to_readers_of_scores(as_user, user, shown):
    page = as_user(user).get(reverse("admin:index")).content.decode()
    assert (LIST in page) is shown


def test_the_list_answers_in_a_constant_number_of_queries(
    as_user, packages, zhonglou, catalogue, leader
):
    client = as_user("reviewer")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    one = count()
    for _ in range(5):
        EvidencePackage.objects.create(
            region=zhonglou, edition=catalogue, year=2021, requester=leader
        )
    assert count() == one
