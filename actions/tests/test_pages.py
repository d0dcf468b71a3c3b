"""The corrective-action pages (create from a gap, follow, verify, evidence), their place on the
overview, indicator and department pages, who may use them, and their query counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actions.choices import ActionStatus
from actions.models import CorrectiveAction
from indicators.models import Indicator

pytestmark = pytest.mark.django_db

REGION = "320404"
OVERVIEW = reverse("overview", kwargs={"region": REGION}) + "?year=2021"
NEW = reverse("action-new", kwargs={"region": REGION})
AGRICULTURE = reverse("department", kwargs={"region": REGION, "code": "agriculture"})


def new_url(code="25", year=2021, edition="jiangsu-county-2019") -> str:
    return f"{NEW}?edition={edition}&year={year}&code={code}"


def page_url(action) -> str:
    return reverse("action", kwargs={"region": REGION, "pk": action.pk})


@pytest.fixture
def parent_25(catalogue):
    return Indicator.objects.get(edition=catalogue, code="25")


FORM = {
    "description": "Collect the straw ledgers of every town",
    "due_date": "2099-03-31",
    "milestones": "2099-01-31 Ledgers collected\n2099-02-28 Figures checked",
}


def test_a_reviewer_creates_an_action_from_the_gap_form(as_user, reviewer, agriculture, ecology):
    client = as_user(reviewer)
    page = client.get(new_url())
    assert page.status_code == 200
    assert 'id="action-form"' in page.content.decode()
    data = FORM | {"lead_department": agriculture.pk, "supporting_departments": [ecology.pk]}
    response = client.post(new_url(), data)
    action = CorrectiveAction.objects.get()
    assert response.status_code == 302 and response["Location"] == page_url(action)
    assert action.indicator.code == "25" and action.gap_status == "missing"
    assert [m.title for m in action.milestones.all()] == ["Ledgers collected", "Figures checked"]


def test_the_form_reports_bad_input_without_writing(as_user, reviewer, agriculture):
    client = as_user(reviewer)
    bad = FORM | {"lead_department": agriculture.pk, "milestones": "soon do it"}
    response = client.post(new_url(), bad)
    assert response.status_code == 200 and "start with a date" in response.content.decode()
    response = client.post(new_url(), FORM | {"lead_department": "x", "due_date": "31/03"})
    assert response.status_code == 200
    assert not CorrectiveAction.objects.exists()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?edition=jiangsu-county-2019&year=2021&code=nope", 404),
        ("?edition=nope&year=2021&code=25", 404),
        ("?edition=jiangsu-county-2019&year=abc&code=25", 200),
        ("?edition=jiangsu-county-2019&year=99999&code=25", 200),
        ("", 404),
    ],
)
def test_bad_parameters_are_never_a_500(as_user, reviewer, query, status):
    assert as_user(reviewer).get(NEW + query).status_code == status


@pytest.mark.parametrize(("user", "status"), [("leader", 403), ("clerk_a", 403), ("outsider", 404)])
def test_only_a_reviewer_of_the_region_opens_the_form(as_user, request, user, status):
    client = as_user(request.getfixturevalue(user))
    assert client.get(new_url()).status_code == status
    assert client.post(new_url(), FORM).status_code == status
    assert not CorrectiveAction.objects.exists()


def test_anonymous_is_sent_to_log_in(client, make_action):
    assert client.get(new_url()).status_code == 302
    assert client.get(page_url(make_action())).status_code == 302


def test_a_met_indicator_offers_no_form(as_user, reviewer, zhonglou):
    from indicators.choices import ValueStatus
    from tests.factories import make_value

    make_value(zhonglou, "straw_utilization_rate", 2021, value="97", status=ValueStatus.APPROVED)
    page = as_user(reviewer).get(new_url("25.1")).content.decode()
    assert 'id="no-gap"' in page and 'id="action-form"' not in page


@pytest.mark.parametrize(
    ("user", "status"),
    [("reviewer", 200), ("leader", 200), ("clerk_a", 200), ("clerk_b", 200), ("outsider", 404)],
)
def test_who_reads_an_action(as_user, make_action, request, user, status):
    action = make_action()  # agriculture leads, ecology (clerk_b) supports
    assert as_user(request.getfixturevalue(user)).get(page_url(action)).status_code == status


def test_a_clerk_of_an_uninvolved_department_gets_404(as_user, make_action, clerk_b):
    action = make_action(supporting_departments=[])
    assert as_user(clerk_b).get(page_url(action)).status_code == 404
    assert (
        as_user(clerk_b).post(page_url(action), {"op": "status", "status": "done"}).status_code
        == 404
    )


def test_the_lead_clerk_updates_and_reports_with_evidence(as_user, make_action, clerk_a, reviewer):
    action = make_action()
    client = as_user(clerk_a)
    page = client.get(page_url(action)).content.decode()
    assert 'id="status-form"' in page and 'id="verify-form"' not in page
    evidence = SimpleUploadedFile("台账.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(page_url(action), {"op": "note", "text": "Ledgers in", "evidence": evidence})
    client.post(
        page_url(action), {"op": "milestone", "milestone": action.milestones.get().pk, "done": "on"}
    )
    client.post(page_url(action), {"op": "status", "status": "done"})
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.milestones.get().done
    note = action.notes.get()
    assert note.evidence_name == "台账.pdf"
    download = reverse("action-evidence", kwargs={"token": note.evidence_token})
    assert as_user(reviewer).get(download).status_code == 200
    assert (
        as_user(reviewer).get(reverse("action-evidence", kwargs={"token": "nope"})).status_code
        == 404
    )


def test_evidence_is_not_for_outsiders(as_user, make_action, clerk_a, outsider):
    action = make_action()
    evidence = SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    as_user(clerk_a).post(page_url(action), {"op": "note", "text": "x", "evidence": evidence})
    token = action.notes.get().evidence_token
    assert (
        as_user(outsider).get(reverse("action-evidence", kwargs={"token": token})).status_code
        == 404
    )


@pytest.mark.parametrize("user", ["leader", "reviewer", "clerk_b"])
def test_others_cannot_move_the_status(as_user, make_action, request, user):
    action = make_action()
    response = as_user(request.getfixturevalue(user)).post(
        page_url(action), {"op": "status", "status": "done"}, follow=True
    )
    assert response.status_code == 200
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_a_reviewer_verifies_with_a_reason_and_a_leader_cannot(
    as_user, make_action, clerk_a, reviewer, leader
):
    action = make_action()
    as_user(clerk_a).post(page_url(action), {"op": "status", "status": "done"})
    as_user(leader).post(page_url(action), {"op": "verify", "reason": "fine"})
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    response = as_user(reviewer).post(page_url(action), {"op": "verify"}, follow=True)
    assert "state why the action can be closed" in response.content.decode()
    as_user(reviewer).post(page_url(action), {"op": "verify", "reason": "Documented"})
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED and action.closure_reason == "Documented"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"op": "nope"},
        {"op": "status", "status": "x"},
        {"op": "milestone", "milestone": "abc"},
        {"op": "milestone", "milestone": "999999"},
    ],
)
def test_bad_posts_are_messages_not_500(as_user, make_action, clerk_a, data):
    action = make_action()
    assert as_user(clerk_a).post(page_url(action), data).status_code == 302


def test_the_overview_shows_each_gaps_action_and_status(
    as_user, make_action, parent_25, reviewer, leader
):
    action = make_action(indicator=parent_25)
    page = as_user(leader).get(OVERVIEW).content.decode()
    row = page[page.index(f'href="{page_url(action)}"') - 400 :]
    assert f"#{action.pk}" in page and 'data-action-status="open"' in row[:1200]
    assert "Create an action" not in page  # a leader reads, does not create
    page = as_user(reviewer).get(OVERVIEW).content.decode()
    assert "Create an action" in page  # for the other gaps


def test_the_indicator_page_lists_its_actions_and_offers_to_create(
    as_user, make_action, reviewer, leader, zhonglou
):
    from indicators.choices import ValueStatus
    from tests.factories import make_value

    # A figure of 2021 makes 2021 the assessment year; 25.1 has none: a gap.
    make_value(zhonglou, "agricultural_film_recovery_rate", 2021, status=ValueStatus.APPROVED)
    url = reverse(
        "indicator", kwargs={"region": REGION, "edition": "jiangsu-county-2019", "code": "25.1"}
    )
    page = as_user(reviewer).get(url).content.decode()
    assert 'id="indicator-actions"' in page and "Create an action" in page
    action = make_action()
    page = as_user(leader).get(url).content.decode()
    assert f'data-action="{action.pk}"' in page and "Create an action" not in page


def test_the_department_page_lists_its_actions_and_counts_the_overdue(
    as_user, make_action, clerk_a
):
    make_action(due_date=datetime.date(2020, 1, 1))
    page = as_user(clerk_a).get(AGRICULTURE + "?year=2021").content.decode()
    assert 'id="department-actions"' in page and "overdue-action" in page
    assert '<p class="big">! ' in page  # the overdue card counts it


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [OVERVIEW, AGRICULTURE + "?year=2021"])
def test_pages_with_actions_answer_in_a_constant_number_of_queries(
    as_user, make_action, catalogue, leader, clerk_a, url
):
    client = as_user(clerk_a if "dept" in url else leader)
    make_action(indicator=Indicator.objects.get(edition=catalogue, code="25"))
    client.get(url)
    one = _count(client, url)
    for code in ("26", "27"):
        make_action(indicator=Indicator.objects.get(edition=catalogue, code=code))
    assert _count(client, url) == one


def test_the_action_page_answers_in_a_constant_number_of_queries(
    as_user, make_action, clerk_a, reviewer
):
    action = make_action()
    client = as_user(reviewer)
    one = _count(client, page_url(action))
    for text in ("a", "b", "c"):
        as_user(clerk_a).post(page_url(action), {"op": "note", "text": text})
        as_user(clerk_a).post(page_url(action), {**ADD, "title": text})
    client = as_user(reviewer)
    assert _count(client, page_url(action)) == one


# --- milestones on the action's page -----------------------------------------------------------

ADD = {"op": "milestone-add", "title": "Figures checked", "due_date": "2099-02-28"}


def _edit(action, **fields):
    milestone = action.milestones.get(title="完成台账")
    return (
        {"op": "milestone-edit", "milestone": milestone.pk}
        | {
            "title": "Ledgers collected",
            "due_date": "2099-01-15",
        }
        | fields
    )


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ("clerk_a", True),  # the lead department's clerk
        ("reviewer", True),
        ("superuser", True),
        ("clerk_b", False),  # a supporting department reads, does not plan
        ("leader", False),
    ],
)
def test_who_plans_the_milestones_on_the_page(as_user, make_action, request, user, allowed):
    action = make_action()
    client = as_user(request.getfixturevalue(user))
    page = client.get(page_url(action)).content.decode()
    assert ('id="milestone-add-form"' in page) is allowed
    assert ('value="milestone-edit"' in page) is allowed
    assert ('value="milestone"' in page) is allowed  # the done box
    milestone = action.milestones.get()
    assert client.post(page_url(action), ADD).status_code == 302
    assert client.post(page_url(action), _edit(action)).status_code == 302
    done = {"op": "milestone", "milestone": milestone.pk, "done": "on"}
    assert client.post(page_url(action), done).status_code == 302
    milestone.refresh_from_db()
    assert action.milestones.filter(title="Figures checked").exists() is allowed
    assert (milestone.title == "Ledgers collected") is allowed
    assert (milestone.due_date == datetime.date(2099, 1, 15)) is allowed
    assert milestone.done is allowed


@pytest.mark.parametrize("user", ["outsider", "clerk_b"])
def test_milestones_of_an_unseen_action_are_404(as_user, make_action, request, user):
    action = make_action(supporting_departments=[])  # clerk_b's department is not involved
    client = as_user(request.getfixturevalue(user))
    assert client.post(page_url(action), ADD).status_code == 404
    assert client.post(page_url(action), _edit(action)).status_code == 404
    assert action.milestones.count() == 1 and action.milestones.get().title == "完成台账"


def test_anonymous_plans_nothing(client, make_action):
    action = make_action()
    response = client.post(page_url(action), ADD)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert action.milestones.count() == 1


def test_a_refusal_is_a_message(as_user, make_action, leader):
    action = make_action()
    response = as_user(leader).post(page_url(action), ADD, follow=True)
    assert "Only the lead department or a reviewer" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": ""}, "This field is required"),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"due_date": "2099-13-01"}, "Enter a valid date"),
        ({"due_date": "1900-01-01"}, "Enter a valid date"),  # refused by the service
    ],
)
def test_bad_milestone_input_shows_the_form_with_its_error(
    as_user, make_action, clerk_a, data, error
):
    action = make_action()
    client = as_user(clerk_a)
    for posted in (ADD | data, _edit(action, **data)):
        response = client.post(page_url(action), posted)
        page = response.content.decode()
        assert response.status_code == 200 and error in page
        assert '<details class="milestone-edit" open>' in page or "milestone-add" in posted["op"]
    assert [(m.title, m.due_date) for m in action.milestones.all()] == [
        ("完成台账", datetime.date(2099, 1, 31))
    ]


@pytest.mark.parametrize("milestone", ["abc", "", "999999"])
def test_editing_no_such_milestone_is_a_message(as_user, make_action, clerk_a, milestone):
    action = make_action()
    response = as_user(clerk_a).post(
        page_url(action), {**ADD, "op": "milestone-edit", "milestone": milestone}, follow=True
    )
    assert response.status_code == 200 and "No such milestone." in response.content.decode()


def test_a_verified_action_offers_no_milestone_forms(as_user, make_action, clerk_a, reviewer):
    action = make_action()
    as_user(clerk_a).post(page_url(action), {"op": "status", "status": "done"})
    as_user(reviewer).post(page_url(action), {"op": "verify", "reason": "Documented"})
    client = as_user(reviewer)
    assert 'id="milestone-add-form"' not in client.get(page_url(action)).content.decode()
    response = client.post(page_url(action), ADD, follow=True)
    assert "can no longer change" in response.content.decode()
    assert action.milestones.count() == 1


def test_the_milestones_date_is_iso_in_chinese(client, make_action, clerk_a):
    action = make_action()
    client.force_login(clerk_a)
    client.cookies["django_language"] = "zh-hans"
    with translation.override(translation.get_language()):  # leave the language as it was
        page = client.get(page_url(action)).content.decode()
    assert 'type="date" name="due_date" value="2099-01-31"' in page
