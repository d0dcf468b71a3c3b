"""The workflow actions offered on a value (permissions.value_actions, which the admin's buttons
ask) are exactly those the services accept, for every status, role and year lock."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from indicators import permissions, services
from indicators.choices import ValueStatus
from indicators.models import YearLock
from indicators.tests.values_helpers import STRAW, make_value, url

YEAR = 2020
ROLES = ["clerk_a", "clerk_b", "reviewer", "leader", "outsider", "superuser"]
SERVICES = {
    permissions.SUBMIT: services.value_submit,
    permissions.APPROVE: services.value_approve,
    permissions.RETURN: services.value_return,
    permissions.REOPEN: services.value_reopen,
}


def accepted(user, value, action: str) -> bool:
    """Whether the service takes the action (then undone, so that the next one starts over)."""
    needs_reason = action in (permissions.RETURN, permissions.REOPEN)
    kwargs = {"reason": "Check the source."} if needs_reason else {}
    try:
        with transaction.atomic():
            SERVICES[action](value=value, actor=user, **kwargs)
            transaction.set_rollback(True)
    except (ValidationError, PermissionDenied):
        return False
    return True


@pytest.mark.django_db
@pytest.mark.parametrize("locked", [False, True], ids=["open", "locked"])
@pytest.mark.parametrize("status", list(ValueStatus))
@pytest.mark.parametrize("role", ROLES)
def test_offered_actions_are_exactly_those_the_services_accept(
    request, zhonglou, reviewer, role, status, locked
):
    user = request.getfixturevalue(role)
    value = make_value(zhonglou, STRAW, YEAR, status=status)
    if locked:
        YearLock.objects.create(region=zhonglou, year=YEAR, locked=True, changed_by=reviewer)

    offered = permissions.value_actions(user, value)

    assert offered == {action for action in SERVICES if accepted(user, value, action)}


@pytest.mark.django_db
def test_each_status_offers_what_the_workflow_allows(zhonglou, clerk_a, reviewer):
    expected = {
        ValueStatus.DRAFT: ({"submit"}, set()),
        ValueStatus.SUBMITTED: (set(), {"approve", "return"}),
        ValueStatus.RETURNED: ({"submit"}, set()),
        ValueStatus.APPROVED: (set(), {"reopen"}),
    }
    for status, (clerk_may, reviewer_may) in expected.items():
        value = make_value(zhonglou, STRAW, YEAR, status=status)
        assert permissions.value_actions(clerk_a, value) == clerk_may, status
        assert permissions.value_actions(reviewer, value) == reviewer_may, status
        value.delete()


@pytest.mark.django_db
def test_offered_actions_cost_two_queries_at_most(
    zhonglou, clerk_a, reviewer, django_assert_max_num_queries
):
    value = make_value(zhonglou, STRAW, YEAR, status=ValueStatus.DRAFT)
    for user in (clerk_a, reviewer):
        permissions.value_actions(user, value)  # reads the user's role once
        with django_assert_max_num_queries(2):  # the year lock, the responsibility
            permissions.value_actions(user, value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status", "buttons"),
    [
        ("clerk_a", ValueStatus.DRAFT, ["submit"]),
        ("clerk_b", ValueStatus.DRAFT, []),
        ("reviewer", ValueStatus.SUBMITTED, ["approve", "return"]),
        ("reviewer", ValueStatus.APPROVED, ["reopen"]),
        ("leader", ValueStatus.SUBMITTED, []),
    ],
)
def test_change_form_shows_the_offered_actions_as_buttons(
    request, client, zhonglou, role, status, buttons
):
    user = request.getfixturevalue(role)
    value = make_value(zhonglou, STRAW, YEAR, status=status)
    client.force_login(user)

    html = client.get(url("change", value.pk)).content.decode()

    shown = [a for a in SERVICES if f"zl-action-{a}" in html]
    assert shown == buttons
