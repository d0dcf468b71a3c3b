"""/api/v1/actions/: list and detail with filters, create, update, verify and notes, each per
permission, and a list whose query count does not grow with its rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import CorrectiveAction
from indicators.models import Indicator
from tests.api_helpers import API, ERROR_KEYS, PAGE_KEYS, session_client

pytestmark = pytest.mark.django_db

URL = f"{API}actions/"

NEW = {
    "region": "320404",
    "edition": "jiangsu-county-2019",
    "indicator": "25",
    "year": 2021,
    "description": "补报台账",
    "lead_department": "agriculture",
    "supporting_departments": ["ecology"],
    "due_date": "2099-03-31",
    "milestones": [{"title": "收集", "due_date": "2099-01-31"}],
}


def detail(action) -> str:
    return f"{URL}{action.pk}/"


def test_a_reviewer_creates_an_action_on_a_gap(reviewer):
    response = session_client(reviewer).post(URL, NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["indicator"] == "25" and body["status"] == "open" and body["gap_status"] == "missing"
    )
    assert body["lead_department"] == "agriculture"
    assert body["supporting_departments"] == ["ecology"]
    assert body["milestones"][0]["title"] == "收集" and body["notes"] == []
    assert body["overdue"] is False


@pytest.mark.parametrize(("user", "status"), [("leader", 403), ("clerk_a", 403), ("outsider", 404)])
def test_others_cannot_create(request, user, status):
    response = session_client(request.getfixturevalue(user)).post(URL, NEW, format="json")
    assert response.status_code == status
    assert set(response.json()) == ERROR_KEYS
    assert not CorrectiveAction.objects.exists()


def test_anonymous_gets_no_list(client):
    assert client.get(URL).status_code in (401, 403)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"lead_department": "nope"}, 400),
        ({"supporting_departments": ["nope"]}, 400),
        ({"indicator": "nope"}, 404),
        ({"region": "999999"}, 404),
        ({"due_date": "soon"}, 400),
        ({"description": ""}, 400),
        ({"year": "abc"}, 400),
        ({"milestones": [{"title": "", "due_date": "2099-01-01"}]}, 400),
    ],
)
def test_bad_input_is_a_clear_error(reviewer, change, status):
    response = session_client(reviewer).post(URL, NEW | change, format="json")
    assert response.status_code == status
    assert set(response.json()) == ERROR_KEYS


def test_the_list_is_scoped_and_filtered(
    make_action, catalogue, reviewer, leader, clerk_b, outsider
):
    late = make_action(due_date=datetime.date(2020, 1, 1), supporting_departments=[])
    other = make_action(indicator=Indicator.objects.get(edition=catalogue, code="26"))
    body = session_client(reviewer).get(URL).json()
    assert set(body) == PAGE_KEYS and body["count"] == 2
    assert [
        r["id"] for r in session_client(leader).get(URL, {"overdue": "true"}).json()["results"]
    ] == [late.pk]
    assert session_client(reviewer).get(URL, {"indicator": "26"}).json()["count"] == 1
    assert session_client(reviewer).get(URL, {"status": "done"}).json()["count"] == 0
    assert (
        session_client(reviewer).get(URL, {"lead_department": "agriculture"}).json()["count"] == 2
    )
    assert session_client(reviewer).get(URL, {"overdue": "maybe"}).status_code == 400
    assert session_client(reviewer).get(URL, {"status": "nope"}).status_code == 400
    assert [r["id"] for r in session_client(clerk_b).get(URL).json()["results"]] == [other.pk]
    assert session_client(outsider).get(URL).json()["count"] == 0
    assert session_client(outsider).get(detail(late)).status_code == 404


def test_the_lead_clerk_updates_the_status_and_others_cannot(
    make_action, clerk_a, clerk_b, leader, reviewer
):
    action = make_action(supporting_departments=[])
    assert (
        session_client(clerk_b).patch(detail(action), {"status": "done"}, format="json").status_code
        == 404
    )
    assert (
        session_client(leader).patch(detail(action), {"status": "done"}, format="json").status_code
        == 403
    )
    assert (
        session_client(reviewer)
        .patch(detail(action), {"status": "done"}, format="json")
        .status_code
        == 403
    )
    response = session_client(clerk_a).patch(detail(action), {"status": "done"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    # Details are the reviewers'.
    assert (
        session_client(clerk_a)
        .patch(detail(action), {"description": "x"}, format="json")
        .status_code
        == 403
    )
    response = session_client(reviewer).patch(
        detail(action), {"due_date": "2099-12-31"}, format="json"
    )
    assert response.status_code == 200 and response.json()["due_date"] == "2099-12-31"


def test_only_a_reviewer_verifies_and_needs_a_reason_while_not_met(
    make_action, clerk_a, reviewer, leader
):
    action = make_action()
    session_client(clerk_a).patch(detail(action), {"status": "done"}, format="json")
    assert (
        session_client(clerk_a)
        .post(f"{detail(action)}verify/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        session_client(leader)
        .post(f"{detail(action)}verify/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    response = session_client(reviewer).post(f"{detail(action)}verify/", {}, format="json")
    assert response.status_code == 400 and set(response.json()) == ERROR_KEYS
    response = session_client(reviewer).post(
        f"{detail(action)}verify/", {"reason": "已说明"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "verified"


def test_the_lead_clerk_adds_a_note(make_action, clerk_a, leader):
    action = make_action()
    response = session_client(clerk_a).post(
        f"{detail(action)}notes/", {"text": "进展"}, format="json"
    )
    assert response.status_code == 201
    assert (
        response.json()["notes"][0]["text"] == "进展" and response.json()["status"] == "in_progress"
    )
    assert (
        session_client(leader)
        .post(f"{detail(action)}notes/", {"text": "x"}, format="json")
        .status_code
        == 403
    )


def test_the_list_answers_in_a_constant_number_of_queries(make_action, catalogue, reviewer):
    client = session_client(reviewer)
    make_action()
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for code in ("26", "27", "28"):
        make_action(indicator=Indicator.objects.get(edition=catalogue, code=code))
    with CaptureQueriesContext(connection) as four:
        assert client.get(URL).json()["count"] == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_a_second_active_action_on_the_same_gap_is_a_conflict(make_action, catalogue, reviewer):
    first = make_action(indicator=Indicator.objects.get(edition=catalogue, code="25"))
    response = session_client(reviewer).post(URL, NEW, format="json")
    assert response.status_code == 409
    assert response.json()["details"]["id"] == first.pk
