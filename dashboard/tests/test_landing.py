"""Landing pages by role: a clerk lands on what their department owes (returned first, with
the reason, then due soon, then overdue) with links into the entry form; a reviewer on the
overview with the queue's count; a leader on the overview. Deadlines come from one function."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dashboard import review_selectors
from dashboard.templatetags.review import entry_url
from tests.factories import make_value

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("overview", kwargs={"region": "320404"})


@pytest.fixture
def today(monkeypatch):
    """A fixed today: 2023-03-15, two weeks before the 2022 values are due (03-31)."""
    day = datetime.date(2023, 3, 15)
    monkeypatch.setattr("dashboard.views.timezone.localdate", lambda: day)
    return day


def test_a_clerk_sees_returned_first_then_due_soon_then_overdue(zhonglou, clerk_a, today, as_user):
    make_value(
        zhonglou, "straw_utilization_rate", 2020, status="returned", return_reason="请补充台账"
    )
    page = as_user(clerk_a).get("/").content.decode()
    returned = page.index('data-kind="returned"')
    due_soon = page.index('data-kind="due_soon"')
    overdue = page.index('data-kind="overdue"')
    assert returned < due_soon < overdue
    assert "请补充台账" in page[returned:due_soon]
    # 2022's values are due on 2023-03-31: soon; 2021's were due 2022-03-31: overdue.
    assert 'data-year="2022"' in page[due_soon:overdue]
    assert 'data-year="2021"' in page[overdue:]


def test_values_submitted_or_approved_are_not_owed(zhonglou, agriculture, today):
    make_value(zhonglou, "straw_utilization_rate", 2021, status="submitted")
    make_value(zhonglou, "livestock_manure_utilization_rate", 2021, status="approved")
    owed = review_selectors.owed_by_department(zhonglou, agriculture, today)
    keys = {(o.code, o.year) for items in owed.values() for o in items}
    assert ("25.1", 2021) not in keys and ("25.2", 2021) not in keys
    assert ("25.3", 2021) in keys  # a draft or nothing at all is owed


def test_the_landing_page_links_into_the_entry_form(zhonglou, clerk_a, today, as_user):
    page = as_user(clerk_a).get("/").content.decode()
    assert entry_url("320404", "agriculture", 2022) in page


def test_deadlines_set_by_the_reviewers_move_what_is_due(zhonglou, agriculture, reviewer, today):
    """The landing page asks the deadlines kept as data: moved far ahead, nothing is overdue
    or due soon any more."""
    from indicators.models import DataElement
    from indicators.services import deadlines_set

    owed = review_selectors.owed_by_department(zhonglou, agriculture, today)
    assert owed["overdue"] and owed["due_soon"]
    elements = DataElement.objects.filter(
        responsibilities__region=zhonglou, responsibilities__department=agriculture
    )
    later = datetime.date(2099, 1, 1)
    deadlines_set(
        actor=reviewer,
        region=zhonglou,
        data_elements=list(elements),
        years=sorted({o.year for items in owed.values() for o in items}),
        due=later,
    )
    owed = review_selectors.owed_by_department(zhonglou, agriculture, today)
    assert owed["overdue"] == [] and owed["due_soon"] == []


def test_the_landing_pages_queries_do_not_grow_with_returned_values(
    zhonglou, clerk_a, today, as_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(clerk_a)
    client.get("/")
    make_value(zhonglou, "straw_utilization_rate", 2020, status="returned")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for key in ("livestock_manure_utilization_rate", "agricultural_film_recovery_rate"):
        for year in (2019, 2020, 2021):
            make_value(zhonglou, key, year, status="returned")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/").content.decode()
    assert page.count("Reason") >= 7
    assert len(many) == len(few)


def test_a_reviewer_and_a_leader_land_on_the_overview(reviewer, leader, as_user):
    assert as_user(reviewer).get("/")["Location"] == OVERVIEW
    assert as_user(leader).get("/")["Location"] == OVERVIEW


def test_a_clerk_without_department_and_an_outsider_get_no_clerk_page(outsider, as_user):
    response = as_user(outsider).get("/")
    assert response.status_code == 302 and "320402" in response["Location"]
