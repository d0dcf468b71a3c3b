"""Logging in: one login page for everyone (``/login/``), the admin's login accepting every
role, and django-axes refusing a user name from an address after too many wrong passwords,
at both login pages, until the cool-off passes or an administrator unlocks it."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["/login/", "/admin/login/"]


@pytest.fixture(autouse=True)
def english(client):
    """The pages in English (the switch in the header sets this cookie), the messages read
    outside a request too."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def _post(client, page, username, password, **extra):
    return client.post(page, {"username": username, "password": password, "next": "/"}, **extra)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- throttling --------------------------------------------------------------------------


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_after_the_limit_of_wrong_passwords_the_right_one_is_refused(client, clerk_a, page, limit):
    for _ in range(limit):
        _post(client, page, "clerk_a", "wrong")

    response = _post(client, page, "clerk_a", PASSWORD)

    assert response.status_code == 429
    assert not _logged_in(client)
    assert "Too many failed logins" in response.content.decode()
    assert 'action="/login/"' in response.content.decode()  # the login page, with its form


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_an_administrator_unlocks_a_locked_user_name(client, admin_client, clerk_a, page, limit):
    for _ in range(limit):
        _post(client, page, "clerk_a", "wrong")
    attempt = AccessAttempt.objects.get(username="clerk_a")

    unlocked = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert unlocked.status_code == 302
    assert _post(client, page, "clerk_a", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_the_lock_ends_after_the_cool_off(client, clerk_a, limit, settings):
    for _ in range(limit):
        _post(client, "/login/", "clerk_a", "wrong")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    )

    assert _post(client, "/login/", "clerk_a", PASSWORD).status_code == 302


def test_the_lock_holds_one_user_name_from_one_address(client, clerk_a, clerk_b, limit):
    for _ in range(limit):
        _post(client, "/login/", "clerk_a", "wrong")

    assert _post(client, "/login/", "clerk_b", PASSWORD).status_code == 302
    client.logout()
    elsewhere = _post(client, "/login/", "clerk_a", PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 302


def test_fewer_wrong_passwords_than_the_limit_still_let_the_right_one_in(client, clerk_a, limit):
    for _ in range(limit - 1):
        _post(client, "/login/", "clerk_a", "wrong")

    assert _post(client, "/login/", "clerk_a", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="clerk_a").exists()  # reset on success


def test_forced_logins_of_other_tests_are_not_counted(client, clerk_a):
    client.force_login(clerk_a)

    assert client.get("/").status_code in (200, 302, 403)
    assert not AccessAttempt.objects.exists()


# --- who gets in through the admin's login -----------------------------------------------


@pytest.mark.parametrize("name", ["clerk_a", "reviewer", "leader", "superuser"])
def test_every_role_logs_in_at_the_admin_login_page(client, request, name):
    user = request.getfixturevalue(name)

    response = client.post(
        "/admin/login/", {"username": user.username, "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert _logged_in(client)
    assert client.get("/admin/").status_code == 200


def test_an_account_without_a_role_is_sent_to_the_site_login_with_a_message(client, db):
    UserFactory(username="norole")

    response = client.post("/admin/login/", {"username": "norole", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not _logged_in(client)
    assert any("no role" in message for message in _messages(response))
    page = client.get(reverse("login"))
    assert "no role" in page.content.decode()


def test_a_logged_in_account_without_a_role_visiting_the_admin_gets_the_message(client, db):
    client.force_login(UserFactory(username="norole"))

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "no role" in response.content.decode()


def test_an_anonymous_visitor_of_the_admin_is_sent_to_the_site_login_and_back(client, clerk_a):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/login/?next=%2Fadmin%2F"
    assert response.templates[0].name == "registration/login.html"
    logged_in = client.post(
        "/login/", {"username": "clerk_a", "password": PASSWORD, "next": "/admin/"}
    )
    assert logged_in["Location"] == "/admin/"


def test_the_admin_login_page_itself_leads_to_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/indicators/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2Findicators%2F"


def test_the_admin_login_never_sends_anyone_to_another_site(client):
    response = client.get("/admin/login/?next=https://evil.example/")

    assert response["Location"] == "/login/?next=%2Fadmin%2F"


def test_a_wrong_password_at_the_admin_login_page_shows_its_form_again(client, clerk_a):
    response = client.post("/admin/login/", {"username": "clerk_a", "password": "wrong"})

    assert response.status_code == 200
    assert not _logged_in(client)


def test_a_signed_in_clerk_at_the_admin_login_page_goes_on_to_the_admin(client, clerk_a):
    client.force_login(clerk_a)

    response = client.get("/admin/login/?next=/admin/indicators/")

    assert response.status_code == 302 and response["Location"] == "/admin/indicators/"
