"""Helpers shared by the REST API tests: clients for sessions and API keys, values in a given
state, the error-body assertion and the fixtures every API test module uses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.api_keys import new_key
from accounts.models import ApiKey
from indicators import services
from indicators.models import IndicatorValue, Region
from tests import factories
from tests.factories import element, make_value, pdf_upload  # noqa: F401

API = "/api/v1/"
STRAW = "straw_utilization_rate"  # percentage, agriculture leads (25.1)
FILM = "agricultural_film_recovery_rate"  # percentage, agriculture leads (25.3)
PM25 = "pm25_annual_mean"  # μg/m³, ecology leads (7.2)
ECO_PLAN = "eco_plan"  # yes/no, ecology leads (1)
ERROR_KEYS = {"code", "message", "details"}
PAGE_KEYS = {"count", "next", "previous", "results"}


@pytest.fixture
def clear_cache():
    """Throttle counters live in the cache and key ids repeat across rolled-back tests."""
    cache.clear()
    yield
    cache.clear()


# --- clients ------------------------------------------------------------------------------


def make_key(owner, *, can_write: bool = False, regions=(), name: str = "test key"):
    """An API key as the admin issues it; returns (the full key, the ApiKey row)."""
    key, prefix, key_hash = new_key()
    api_key = ApiKey.objects.create(
        name=name, owner=owner, prefix=prefix, key_hash=key_hash, can_write=can_write
    )
    if regions:
        api_key.regions.set(regions)
    return key, api_key


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    return client


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def city_reviewer() -> object:
    """A reviewer of Changzhou (常州市): sees the city and every district under it."""
    return factories.UserFactory(
        username="city_reviewer", role="reviewer", region=Region.objects.get(code="320400")
    )


# --- data ---------------------------------------------------------------------------------


def entered(actor, region: Region, key: str, year: int, value="95", **kwargs) -> IndicatorValue:
    """A draft entered through the service (so that it has a history row)."""
    return services.value_save(
        actor=actor,
        region=region,
        data_element=element(key),
        year=year,
        value=None if value is None else Decimal(str(value)),
        **kwargs,
    ).value


def load_demo() -> int:
    """Zhonglou's approved report figures for 2019–2021, entered by the demo clerks (an
    administrator where no department leads) and approved by the demo reviewer."""
    from demo.seed import ensure_demo_users, load_demo_values

    ensure_demo_users()
    admin = factories.UserFactory(username="demo_admin", is_superuser=True, is_staff=True)
    return load_demo_values(admin)


# --- assertions ---------------------------------------------------------------------------


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response has the status and the one error body of the API."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict | list)
    if code is not None:
        assert body["code"] == code, body
    return body


def results(response) -> list[dict]:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) >= PAGE_KEYS, body
    return body["results"]
