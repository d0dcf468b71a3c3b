"""Four eyes: nobody approves or returns a value they entered or submitted, administrators
included — refused by the services, not offered by the workflow table (so the admin shows no
button), refused through the admin and the API; another reviewer decides."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from indicators import permissions, services
from indicators.choices import ValueStatus
from indicators.tests.values_helpers import STRAW, entered, messages_of, refreshed, url
from tests.api_helpers import API, session_client

YEAR = 2021


@pytest.fixture
def own_submitted(zhonglou, superuser):
    """A value an administrator entered and submitted."""
    value = entered(superuser, zhonglou, STRAW, YEAR, 95)
    return services.value_submit(value=value, actor=superuser)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["approve", "return"])
def test_an_administrator_may_not_decide_on_a_value_they_entered_and_submitted(
    own_submitted, superuser, action
):
    service = {"approve": services.value_approve, "return": services.value_return}[action]
    kwargs = {"reason": "Check the source."} if action == "return" else {}

    with pytest.raises(PermissionDenied), translation.override("en"):
        service(value=own_submitted, actor=superuser, **kwargs)

    assert refreshed(own_submitted).status == ValueStatus.SUBMITTED
    assert permissions.value_actions(superuser, own_submitted) == set()


@pytest.mark.django_db
def test_a_reviewer_who_submitted_a_value_may_not_approve_it(zhonglou, clerk_a, reviewer):
    value = entered(clerk_a, zhonglou, STRAW, YEAR, 95)
    # The reviewer's submission is recorded on the value, whoever entered it.
    value.submitted_by = reviewer
    value.status = ValueStatus.SUBMITTED
    value.save()

    with pytest.raises(PermissionDenied):
        services.value_approve(value=value, actor=reviewer)
    assert permissions.value_actions(reviewer, value) == set()


@pytest.mark.django_db
def test_another_reviewer_approves_what_an_administrator_entered(own_submitted, reviewer):
    assert permissions.value_actions(reviewer, own_submitted) == {"approve", "return"}

    approved = services.value_approve(value=own_submitted, actor=reviewer)

    assert approved.status == ValueStatus.APPROVED


@pytest.mark.django_db
def test_the_admin_offers_no_approve_button_and_refuses_the_post(client, own_submitted, superuser):
    client.cookies["django_language"] = "en"
    client.force_login(superuser)

    page = client.get(url("change", own_submitted.pk)).content.decode()
    response = client.post(
        url("act", own_submitted.pk, "approve"), {"version": own_submitted.version}, follow=True
    )

    assert url("act", own_submitted.pk, "approve") not in page
    assert any("another reviewer" in m for m in messages_of(response))
    assert refreshed(own_submitted).status == ValueStatus.SUBMITTED


@pytest.mark.django_db
def test_the_admin_bulk_approval_refuses_own_values(client, own_submitted, superuser):
    client.force_login(superuser)

    client.post(
        url("changelist"),
        {"action": "approve_selected", "_selected_action": [own_submitted.pk]},
    )

    assert refreshed(own_submitted).status == ValueStatus.SUBMITTED


@pytest.mark.django_db
def test_the_api_answers_403_to_approving_ones_own_value(own_submitted, superuser):
    client = session_client(superuser)

    response = client.post(
        f"{API}values/{own_submitted.pk}/approve/",
        {"version": own_submitted.version},
        format="json",
    )

    assert response.status_code == 403
    assert refreshed(own_submitted).status == ValueStatus.SUBMITTED


@pytest.mark.django_db
def test_the_demo_figures_are_approved_by_someone_other_than_who_entered_them(zhonglou_demo):
    from indicators.models import IndicatorValue

    values = IndicatorValue.objects.filter(region=zhonglou_demo)

    assert values.exists()
    assert all(v.status == ValueStatus.APPROVED for v in values)
    assert all(v.reviewed_by_id not in (v.entered_by_id, v.submitted_by_id) for v in values)
    assert {v.reviewed_by.username for v in values} == {"zl-reviewer"}
