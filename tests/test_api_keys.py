"""API keys: issued in the admin and shown once, stored hashed, sent as a header, read-only
unless granted write, limited to regions, revocable; and throttling per key."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api.throttling import ApiKeyRateThrottle, SessionUserRateThrottle
from accounts.api_keys import hash_key
from accounts.models import ApiKey
from assessments.services import region_refresh
from indicators.choices import ValueStatus
from tests.api_helpers import (
    API,
    STRAW,
    assert_error,
    city_reviewer,
    clear_cache,  # noqa: F401 (fixture)
    key_client,
    make_key,
    make_value,
    results,
    session_client,
)

pytestmark = pytest.mark.usefixtures("clear_cache")

KEY_PATTERN = re.compile(r"zl_[0-9a-f]{8}_[A-Za-z0-9_\-]{43}")


# --- authentication -----------------------------------------------------------------------


def test_key_in_the_x_api_key_header(reviewer):
    key, _ = make_key(reviewer)
    assert key_client(key).get(f"{API}regions/").status_code == 200


def test_key_in_the_authorization_header(reviewer):
    key, _ = make_key(reviewer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get(f"{API}regions/").status_code == 200


@pytest.mark.parametrize(
    "key",
    [
        "zl_00000000_" + "x" * 43,  # well-formed, never issued
        "not-a-key",
        "zl_short_secret",
    ],
    ids=["unknown", "malformed", "bad-prefix"],
)
def test_unknown_key_is_401(db, key):
    response = key_client(key).get(f"{API}regions/")
    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Api-Key"


def test_key_with_the_right_prefix_but_wrong_secret_is_401(reviewer):
    key, _ = make_key(reviewer)
    forged = key[:-4] + ("aaaa" if not key.endswith("aaaa") else "bbbb")
    assert_error(key_client(forged).get(f"{API}regions/"), 401, "authentication_failed")


def test_revoked_key_is_401(reviewer):
    from django.utils import timezone

    key, api_key = make_key(reviewer)
    ApiKey.objects.filter(pk=api_key.pk).update(revoked_at=timezone.now())
    assert_error(key_client(key).get(f"{API}regions/"), 401, "authentication_failed")


def test_key_of_an_inactive_owner_is_401(reviewer):
    key, _ = make_key(reviewer)
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    assert_error(key_client(key).get(f"{API}regions/"), 401, "authentication_failed")


def test_key_of_a_user_without_a_role_is_403(db):
    from tests.factories import UserFactory

    key, _ = make_key(UserFactory(username="nobody"))
    assert_error(key_client(key).get(f"{API}regions/"), 403, "permission_denied")


def test_last_used_at_is_set(reviewer):
    key, api_key = make_key(reviewer)
    assert api_key.last_used_at is None
    key_client(key).get(f"{API}regions/")
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_keys_are_stored_hashed(reviewer):
    key, api_key = make_key(reviewer)
    api_key.refresh_from_db()
    assert api_key.key_hash == hash_key(key) and key not in api_key.key_hash
    assert key.split("_", 2)[2] not in str(vars(api_key))  # the secret part is nowhere


# --- write permission and region limits ---------------------------------------------------


def test_read_only_key_cannot_post(clerk_a, zhonglou):
    key, _ = make_key(clerk_a, can_write=False)
    data = {"region": "320404", "data_element": STRAW, "year": 2021, "value": "90"}
    body = assert_error(
        key_client(key).post(f"{API}values/", data, format="json"), 403, "permission_denied"
    )
    assert "read-only" in body["message"]
    assert key_client(key).get(f"{API}values/").status_code == 200  # reads are fine


def test_write_key_acts_as_its_owner(clerk_a, zhonglou):
    key, _ = make_key(clerk_a, can_write=True)
    data = {"region": "320404", "data_element": STRAW, "year": 2021, "value": "90"}
    response = key_client(key).post(f"{API}values/", data, format="json")
    assert response.status_code == 201 and response.json()["entered_by"] == clerk_a.username


@pytest.fixture
def both_districts(zhonglou, tianning):
    zl = make_value(zhonglou, STRAW, 2021, status=ValueStatus.APPROVED)
    tn = make_value(tianning, STRAW, 2021, status=ValueStatus.APPROVED)
    for region in (zhonglou, tianning):  # the recompute stores each district's verdict
        region_refresh(region=region, years=[2021], now=timezone.now())
    return zl, tn


def test_key_limited_to_tianning_sees_no_zhonglou_rows(both_districts, tianning):
    zl, tn = both_districts
    owner = city_reviewer()
    unlimited, _ = make_key(owner)
    assert {r["region"] for r in results(key_client(unlimited).get(f"{API}values/"))} == {
        "320404",
        "320402",
    }
    key, _ = make_key(owner, regions=[tianning])
    client = key_client(key)
    assert [r["id"] for r in results(client.get(f"{API}values/"))] == [tn.pk]
    assert [r["code"] for r in results(client.get(f"{API}regions/"))] == ["320402"]
    assert results(client.get(f"{API}departments/")) == []  # Zhonglou's bureaus
    assert results(client.get(f"{API}responsibilities/")) == []
    assert_error(client.get(f"{API}values/{zl.pk}/"), 404)
    assert_error(client.get(f"{API}values/{zl.pk}/history/"), 404)
    assert_error(client.get(f"{API}regions/320404/"), 404)
    assert_error(client.get(f"{API}regions/320404/scorecard/"), 404)
    assert client.get(f"{API}regions/320402/scorecard/", {"year": 2021}).status_code == 200
    assert {r["region"] for r in results(client.get(f"{API}assessments/"))} == {"320402"}
    csv = client.get(f"{API}values/", {"format": "csv"}).content.decode()
    assert "320404" not in csv


def test_key_limited_to_tianning_cannot_write_in_zhonglou(clerk_a, zhonglou, tianning):
    key, _ = make_key(clerk_a, can_write=True, regions=[tianning])
    data = {"region": "320404", "data_element": STRAW, "year": 2021, "value": "90"}
    response = key_client(key).post(f"{API}values/", data, format="json")
    assert_error(response, 403, "permission_denied")


def test_key_limited_to_its_owners_region_writes(clerk_a, zhonglou):
    key, _ = make_key(clerk_a, can_write=True, regions=[zhonglou])
    data = {"region": "320404", "data_element": STRAW, "year": 2021, "value": "90"}
    assert key_client(key).post(f"{API}values/", data, format="json").status_code == 201


# --- the admin: issue once, revoke --------------------------------------------------------


def text_columns():
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if fields:
            yield model, fields


def stored_anywhere(text: str) -> list[str]:
    """Models with a text column containing ``text``."""
    found = []
    for model, fields in text_columns():
        query = Q()
        for name in fields:
            query |= Q(**{f"{name}__contains": text})
        if model._default_manager.filter(query).exists():
            found.append(model._meta.label)
    return found


def issue_key_in_admin(client, owner, **fields):
    data = {"name": "常州市平台", "owner": owner.pk, **fields}
    response = client.post(reverse("admin:accounts_apikey_add"), data, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    shown = [k for m in messages for k in KEY_PATTERN.findall(m)]
    assert len(shown) == 1, messages
    return shown[0], response


def test_admin_shows_a_new_key_once_and_stores_only_its_hash(superuser, leader):
    admin = session_client(superuser)
    key, response = issue_key_in_admin(admin, leader)
    api_key = ApiKey.objects.get(owner=leader)
    assert api_key.key_hash == hash_key(key) and key.startswith(f"zl_{api_key.prefix}_")
    assert not api_key.can_write
    assert response.content.decode().count(key) == 1  # in the message, once
    assert key not in admin.get(response.request["PATH_INFO"]).content.decode()  # not again
    change = admin.get(reverse("admin:accounts_apikey_change", args=[api_key.pk]))
    assert change.status_code == 200 and key not in change.content.decode()
    assert key not in admin.get(reverse("admin:accounts_apikey_changelist")).content.decode()
    assert stored_anywhere(key) == [] and stored_anywhere(key.split("_", 2)[2]) == []
    assert key_client(key).get(f"{API}regions/").status_code == 200


def test_admin_issues_a_write_key_limited_to_regions(superuser, clerk_a, tianning):
    issue_key_in_admin(session_client(superuser), clerk_a, can_write="on", regions=[tianning.pk])
    api_key = ApiKey.objects.get(owner=clerk_a)
    assert api_key.can_write and list(api_key.regions.all()) == [tianning]


def test_admin_revoke_action_ends_a_key(superuser, leader):
    admin = session_client(superuser)
    key, _ = issue_key_in_admin(admin, leader)
    api_key = ApiKey.objects.get(owner=leader)
    assert key_client(key).get(f"{API}regions/").status_code == 200
    response = admin.post(
        reverse("admin:accounts_apikey_changelist"),
        {"action": "revoke_selected", "_selected_action": [api_key.pk]},
        follow=True,
    )
    assert response.status_code == 200
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert_error(key_client(key).get(f"{API}regions/"), 401, "authentication_failed")


def test_only_administrators_manage_keys(reviewer):
    response = session_client(reviewer).get(reverse("admin:accounts_apikey_add"))
    assert response.status_code in (302, 403)


# --- throttling ---------------------------------------------------------------------------


@pytest.fixture
def three_a_minute(monkeypatch):
    """DRF reads the rates into the throttle class at import, so patch the class."""
    monkeypatch.setattr(
        ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "3/min", "user": "10000/hour"}
    )


def test_each_key_has_its_own_budget(three_a_minute, reviewer):
    key, _ = make_key(reviewer)
    other, _ = make_key(reviewer)
    client = key_client(key)
    for _ in range(3):
        assert client.get(f"{API}regions/").status_code == 200
    response = client.get(f"{API}regions/")
    body = assert_error(response, 429, "throttled")
    assert 0 < body["details"]["retry_after_seconds"] <= 60
    assert 0 < int(response["Retry-After"]) <= 60
    assert key_client(other).get(f"{API}regions/").status_code == 200
    assert session_client(reviewer).get(f"{API}regions/").status_code == 200


def test_throttling_counts_writes_too(three_a_minute, clerk_a, zhonglou):
    key, _ = make_key(clerk_a, can_write=True)
    client = key_client(key)
    for _ in range(3):
        client.get(f"{API}values/")
    data = {"region": "320404", "data_element": STRAW, "year": 2021, "value": "90"}
    assert_error(client.post(f"{API}values/", data, format="json"), 429, "throttled")


def test_signed_in_users_have_a_budget_too(monkeypatch, reviewer):
    monkeypatch.setattr(
        SessionUserRateThrottle, "THROTTLE_RATES", {"api_key": "3000/hour", "user": "2/min"}
    )
    client = session_client(reviewer)
    client.get(f"{API}regions/")
    client.get(f"{API}regions/")
    assert_error(client.get(f"{API}regions/"), 429, "throttled")


def test_anonymous_is_refused_before_any_throttle(three_a_minute, db):
    for _ in range(5):
        assert_error(APIClient().get(f"{API}regions/"), 401, "not_authenticated")
