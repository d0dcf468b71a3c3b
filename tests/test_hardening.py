"""Production gaps closed: a Content-Security-Policy on every response, session limits (idle
and absolute), CACHE_URL in the production shape, the API docs served from this site, the
API's JSON 404 also with DEBUG on, and 400 for a boolean filter that is not a boolean."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from zhonglou import sessions

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


# --- Content-Security-Policy ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login/", "/admin/login/", "/api/docs/", "/api/v1/regions/"])
def test_every_response_carries_a_policy_without_inline_script(client, path):
    response = client.get(path)

    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy.get("default-src", [])


def test_signed_in_pages_and_the_admin_carry_the_policy(client, reviewer, zhonglou):
    client.force_login(reviewer)
    for path in ("/", reverse("overview", args=["320404"]), "/admin/"):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert _policy(response)["script-src"] == ["'self'"], path


def test_templates_hold_no_inline_script():
    """Only JSON data blocks and scripts with a src: an inline script would be refused."""
    import re

    inline = re.compile(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>")
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    assert templates
    for template in templates:
        assert not inline.search(template.read_text()), template


def test_the_api_docs_load_nothing_from_elsewhere_and_redoc_which_did_is_gone(client):
    html = client.get("/api/docs/").content.decode()
    assert "https://" not in html and "http://" not in html.replace("http://testserver", "")
    assert "<script>" not in html
    assert client.get("/api/redoc/").status_code == 404
    script = client.get("/api/docs/?script")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


# --- sessions ------------------------------------------------------------------------------


def test_a_session_ends_after_the_idle_timeout(client, reviewer, settings):
    client.force_login(reviewer)
    assert client.get("/").status_code in (200, 302)
    session = client.session
    session[sessions.STARTED] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 10
    session.save()
    client.cookies.pop(sessions.SEEN_COOKIE, None)  # the browser dropped it at the timeout

    response = client.get("/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_activity_keeps_a_session_alive_past_the_idle_timeout(client, reviewer, settings):
    client.force_login(reviewer)
    session = client.session
    session[sessions.STARTED] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 10
    session.save()
    settings.SESSION_IDLE_SECONDS = 10**6
    client.get("/")  # a request stamps the time of the last activity
    settings.SESSION_IDLE_SECONDS = 60  # a minute has not passed since

    client.get("/")

    assert "_auth_user_id" in client.session


def test_a_session_ends_at_the_absolute_limit_whatever_the_activity(client, reviewer, settings):
    client.force_login(reviewer)
    session = client.session
    session[sessions.STARTED] = int(time.time()) - settings.SESSION_MAX_SECONDS - 10
    session.save()

    response = client.get("/")  # the seen cookie of the previous request is fresh

    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_the_session_cookie_lasts_no_longer_than_the_absolute_limit(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_MAX_SECONDS


def test_the_session_limits_are_read_from_the_environment():
    from zhonglou.settings.environment import read_int

    assert read_int("SESSION_IDLE_MINUTES", 60, {"SESSION_IDLE_MINUTES": "15"}) == 15
    readme = (ROOT / "README.md").read_text()
    assert "`SESSION_IDLE_MINUTES`" in readme and "`SESSION_MAX_HOURS`" in readme


# --- the production shape -----------------------------------------------------------------


def test_compose_and_the_example_environment_share_the_cache_in_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["x-app"]["environment"]["CACHE_URL"].startswith("redis://redis:6379/")
    example = (ROOT / ".env.example").read_text()
    assert any(line.startswith("CACHE_URL=redis://") for line in example.splitlines())


# --- the API's edges ---------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_url_answers_the_json_404_body(client, settings, debug):
    settings.DEBUG = debug

    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_an_unknown_page_outside_the_api_stays_an_html_page(client, settings):
    settings.DEBUG = True

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("raw", ["maybe", "2", "truee"])
def test_a_boolean_filter_that_is_not_a_boolean_answers_400(raw, zhonglou):
    client = APIClient()
    client.force_authenticate(factories.UserFactory(username="r", role="reviewer", region=zhonglou))

    response = client.get("/api/v1/assessments/", {"current": raw})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "current" in response.json()["details"]


@pytest.mark.parametrize("raw", ["true", "false", "1", "0", "True", ""])
def test_a_boolean_filter_accepts_the_usual_spellings(raw, zhonglou):
    client = APIClient()
    client.force_authenticate(factories.UserFactory(username="r", role="reviewer", region=zhonglou))

    assert client.get("/api/v1/assessments/", {"current": raw}).status_code == 200
