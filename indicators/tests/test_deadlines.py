"""Deadlines as data: the defaults come from the lead responsibility (31 March of the next
year, the surveys 31 January), a region's reviewers move them in bulk (the service and the
admin's form), and "overdue" is one rule — owed, in the current assessment window, past the
deadline, not submitted — that the department page and the overview read."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dashboard import selectors as pages
from indicators import selectors, services
from indicators.choices import ValueStatus
from indicators.models import Deadline
from tests.factories import element, make_value

pytestmark = pytest.mark.django_db

STRAW = "straw_utilization_rate"  # agriculture's
SURVEY = "public_satisfaction"  # publicity's survey, due 31 January
AGRICULTURE = reverse("department", kwargs={"region": "320404", "code": "agriculture"})
ADD = reverse("admin:indicators_deadline_add")


def test_the_defaults_come_from_the_responsibilities(zhonglou):
    due = selectors.due_dates(zhonglou, [element(STRAW), element(SURVEY)], [2021])
    assert due[(element(STRAW).pk, 2021)] == datetime.date(2022, 3, 31)
    assert due[(element(SURVEY).pk, 2021)] == datetime.date(2022, 1, 31)


def test_a_reviewer_moves_deadlines_in_bulk_and_back_to_the_default(zhonglou, reviewer):
    elements = [element(STRAW), element(SURVEY)]
    count = services.deadlines_set(
        actor=reviewer,
        region=zhonglou,
        data_elements=elements,
        years=[2021, 2022],
        due=datetime.date(2023, 6, 30),
    )
    assert count == 4
    due = selectors.due_dates(zhonglou, elements, [2021, 2022])
    assert set(due.values()) == {datetime.date(2023, 6, 30)}
    assert Deadline.objects.filter(changed_by=reviewer).count() == 4
    # The same again changes nothing; None goes back to the default.
    assert (
        services.deadlines_set(
            actor=reviewer,
            region=zhonglou,
            data_elements=elements,
            years=[2021, 2022],
            due=datetime.date(2023, 6, 30),
        )
        == 0
    )
    services.deadlines_set(
        actor=reviewer, region=zhonglou, data_elements=elements, years=[2021, 2022], due=None
    )
    assert selectors.due_dates(zhonglou, [element(STRAW)], [2021]) == {
        (element(STRAW).pk, 2021): datetime.date(2022, 3, 31)
    }


@pytest.mark.parametrize("who", ["clerk_a", "leader", "outsider"])
def test_only_the_regions_reviewers_set_deadlines(zhonglou, who, request):
    with pytest.raises(PermissionDenied):
        services.deadlines_set(
            actor=request.getfixturevalue(who),
            region=zhonglou,
            data_elements=[element(STRAW)],
            years=[2021],
            due=datetime.date(2022, 5, 1),
        )
    assert not Deadline.objects.exists()


@pytest.mark.parametrize(
    ("years", "due"),
    [
        ([], datetime.date(2022, 5, 1)),
        ([1800], datetime.date(2022, 5, 1)),
        ([2021], datetime.date(2021, 5, 1)),
    ],
)
def test_bad_deadlines_are_refused(zhonglou, reviewer, years, due):
    with pytest.raises(ValidationError):
        services.deadlines_set(
            actor=reviewer, region=zhonglou, data_elements=[element(STRAW)], years=years, due=due
        )


def test_overdue_is_owed_in_the_current_window_past_the_deadline_and_not_submitted():
    window = {2019, 2020, 2021}
    late = datetime.date(2022, 3, 31)
    today = datetime.date(2022, 4, 1)
    assert selectors.is_overdue(status="missing", due=late, year=2021, window=window, today=today)
    assert selectors.is_overdue(status="returned", due=late, year=2021, window=window, today=today)
    assert not selectors.is_overdue(
        status="submitted", due=late, year=2021, window=window, today=today
    )
    assert not selectors.is_overdue(
        status="draft", due=late, year=2021, window=window, today=late
    )  # on the day itself
    assert not selectors.is_overdue(
        status="draft", due=late, year=2018, window=window, today=today
    )  # an older assessment
    assert not selectors.is_overdue(
        status="draft", due=late, year=2021, window=window, today=today, lead=False
    )


def test_the_department_page_is_red_only_for_the_current_assessment(
    zhonglou, reviewer, clerk_a, client
):
    """Every cell back to 2016 used to be red: now only the current window's unsent values
    past their deadline are."""
    services.region_assessment_year_set(actor=reviewer, region=zhonglou, year=2024)
    make_value(zhonglou, STRAW, 2024, status=ValueStatus.SUBMITTED)
    services.deadlines_set(
        actor=reviewer,
        region=zhonglou,
        data_elements=[element(STRAW)],
        years=[2023],
        due=datetime.date(2099, 1, 1),
    )
    client.cookies["django_language"] = "en"
    client.force_login(clerk_a)
    current = client.get(AGRICULTURE, {"year": 2024}).context
    straw = next(r for r in current["rows"] if r["element"].key == STRAW)
    cells = {c["year"]: c for c in straw["cells"]}
    assert cells[2022]["overdue"]  # missing, due 31 March 2023
    assert not cells[2023]["overdue"]  # its deadline was moved to 2099
    assert cells[2023]["due"] == datetime.date(2099, 1, 1)
    assert not cells[2024]["overdue"]  # submitted
    assert current["overdue"] > 0
    older = client.get(AGRICULTURE, {"year": 2019}).context
    assert older["overdue"] == 0  # 2017–2019 are not owed now: nothing red
    assert b"overdue" not in client.get(AGRICULTURE, {"year": 2019}).content.split(b"<main")[1]


def test_the_overviews_overdue_counts_follow_the_same_rule(zhonglou, reviewer):
    services.region_assessment_year_set(actor=reviewer, region=zhonglou, year=2024)
    edition = selectors.region_edition(zhonglou)
    today = datetime.date(2026, 1, 1)
    now = {
        r.department.code: r.overdue
        for r in pages.completeness(zhonglou, edition, [2022, 2023, 2024], today)
    }
    old = {
        r.department.code: r.overdue
        for r in pages.completeness(zhonglou, edition, [2017, 2018, 2019], today)
    }
    assert now["agriculture"] > 0
    assert set(old.values()) == {0}


def test_a_reviewer_sets_deadlines_in_the_admins_bulk_form(zhonglou, reviewer, client):
    client.cookies["django_language"] = "en"
    client.force_login(reviewer)
    assert client.get(ADD).status_code == 200
    response = client.post(
        ADD,
        {
            "region": zhonglou.pk,
            "data_elements": [element(STRAW).pk, element(SURVEY).pk],
            "years": "2022, 2023",
            "due": "2024-05-31",
        },
    )
    assert response.status_code == 302
    assert Deadline.objects.filter(region=zhonglou, due=datetime.date(2024, 5, 31)).count() == 4
    listing = client.get(reverse("admin:indicators_deadline_changelist"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 4


def test_the_bulk_form_refuses_bad_years_without_an_error_page(zhonglou, reviewer, client):
    client.force_login(reviewer)
    response = client.post(
        ADD, {"region": zhonglou.pk, "data_elements": [element(STRAW).pk], "years": "20x1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["years"]
    assert not Deadline.objects.exists()


@pytest.mark.parametrize("who", ["clerk_a", "leader"])
def test_clerks_and_leaders_read_deadlines_but_cannot_set_them(zhonglou, who, request, client):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("admin:indicators_deadline_changelist")).status_code == 200
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"region": zhonglou.pk}).status_code == 403


def test_an_outsider_cannot_pick_another_districts_region(zhonglou, outsider, client):
    client.force_login(outsider)
    response = client.post(
        ADD,
        {
            "region": zhonglou.pk,
            "data_elements": [element(STRAW).pk],
            "years": "2022",
            "due": "2024-05-31",
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Deadline.objects.exists()


def test_an_outsider_does_not_see_the_regions_deadlines(zhonglou, reviewer, outsider, client):
    services.deadlines_set(
        actor=reviewer,
        region=zhonglou,
        data_elements=[element(STRAW)],
        years=[2022],
        due=datetime.date(2024, 1, 1),
    )
    client.force_login(outsider)
    listing = client.get(reverse("admin:indicators_deadline_changelist"))
    assert listing.context["cl"].result_count == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(ADD).status_code == 302


def test_the_reset_action_goes_back_to_the_defaults(zhonglou, reviewer, client):
    services.deadlines_set(
        actor=reviewer,
        region=zhonglou,
        data_elements=[element(STRAW), element(SURVEY)],
        years=[2022],
        due=datetime.date(2024, 1, 1),
    )
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:indicators_deadline_changelist"),
        {
            "action": "reset_selected",
            "_selected_action": list(Deadline.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    assert not Deadline.objects.exists()
