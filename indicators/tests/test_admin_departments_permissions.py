"""The permission matrix of the department and user screens of the admin: who sees which
departments (and their contact e-mail addresses), and that no screen shows a clerk another
user's e-mail address. The cast as in ``test_admin_values_permissions``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import Department

from .values_helpers import is_login_redirect

USERS = ["clerk_a", "clerk_b", "reviewer", "leader", "outsider", "superuser", "anonymous"]


@pytest.fixture
def contacts(zhonglou, tianning):
    """Every department with a contact address naming it."""
    for department in Department.objects.filter(region__in=[zhonglou, tianning]):
        department.email = f"{department.code}.{department.region.code}@gov.example"
        department.save(update_fields=["email"])
    return {d.pk: d.email for d in Department.objects.exclude(email="")}


def _sees(name, request, zhonglou, tianning) -> set[int]:
    own = {
        "clerk_a": lambda: {request.getfixturevalue("agriculture").pk},
        "clerk_b": lambda: {request.getfixturevalue("ecology").pk},
        "reviewer": lambda: set(zhonglou.departments.values_list("pk", flat=True)),
        "leader": lambda: set(zhonglou.departments.values_list("pk", flat=True)),
        "outsider": lambda: set(tianning.departments.values_list("pk", flat=True)),
        "superuser": lambda: set(Department.objects.values_list("pk", flat=True)),
    }
    return own[name]()


@pytest.mark.parametrize("user", USERS)
def test_department_list_shows_exactly_the_users_departments_and_their_addresses(
    as_user, request, contacts, zhonglou, tianning, clerk_a, clerk_b, user
):
    response = as_user(user).get(reverse("admin:indicators_department_changelist"))

    if user == "anonymous":
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    expected = _sees(user, request, zhonglou, tianning)
    assert {d.pk for d in response.context["cl"].result_list} == expected
    html = response.content.decode()
    for pk, email in contacts.items():
        assert (email in html) is (pk in expected), email


@pytest.mark.parametrize("user", ["clerk_a", "clerk_b", "outsider"])
def test_a_department_outside_the_scope_has_no_page(as_user, contacts, ecology, user):
    response = as_user(user).get(reverse("admin:indicators_department_change", args=[ecology.pk]))

    assert response.status_code == (200 if user == "clerk_b" else 404)


def test_the_department_autocomplete_offers_a_clerk_only_their_department(
    as_user, contacts, agriculture
):
    response = as_user("clerk_a").get(
        reverse("admin:autocomplete"),
        {"app_label": "indicators", "model_name": "responsibility", "field_name": "department"},
    )

    if response.status_code == 200:
        assert {r["id"] for r in response.json()["results"]} == {str(agriculture.pk)}
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("user", ["clerk_a", "reviewer", "leader"])
def test_no_admin_screen_shows_other_users_e_mail_addresses(
    as_user, request, contacts, clerk_a, clerk_b, reviewer, leader, user
):
    client = as_user(user)
    me = request.getfixturevalue(user)
    others = [u.email for u in (clerk_a, clerk_b, reviewer, leader) if u != me]
    pages = [
        reverse("admin:index"),
        reverse("admin:indicators_department_changelist"),
        reverse("admin:indicators_responsibility_changelist"),
        reverse("admin:indicators_indicatorvalue_changelist"),
        reverse("admin:accounts_user_changelist"),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code in (200, 403), page
        html = response.content.decode()
        assert not any(email in html for email in others), page
