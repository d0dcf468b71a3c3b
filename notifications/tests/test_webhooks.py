"""Webhooks: a consumer's post is signed (HMAC-SHA256 of the body with its secret), a failed
post (a 500, no answer) is retried with back-off until it is sent or given up, and the API
lets a consumer register, list and remove its webhooks and read their deliveries — only its
own, only for regions whose scores it reads."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from notifications import services
from notifications.choices import DeliveryStatus, EndpointKind
from notifications.models import Delivery, WebhookEndpoint
from tests.api_helpers import make_key

from .helpers import Receiver

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"
SECRET = "a-consumer-secret-of-some-length"


def _endpoint(region, owner, url, **fields) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name="city platform",
        kind=EndpointKind.CONSUMER,
        url=url,
        secret=SECRET,
        region=region,
        events=["verdict.changed", "value.approved"],
        owner=owner,
        **fields,
    )


@override_settings(NOTIFICATION_RETRY_SECONDS=30)
def test_a_post_answered_500_is_retried_with_backoff_then_sent_signed(
    zhonglou, leader, django_capture_on_commit_callbacks
):
    with Receiver(statuses=[500]) as server:
        endpoint = _endpoint(zhonglou, leader, server.url)
        with django_capture_on_commit_callbacks(execute=True):
            (delivery,) = services.event_publish(
                event="verdict.changed", region=zhonglou, data={"verdict": "eligible"}
            )
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.attempts == 1 and delivery.last_error == "HTTP 500"
        wait = (delivery.next_try_at - timezone.now()).total_seconds()
        assert 25 < wait <= 30
        # Not due yet: nothing is tried.
        assert services.delivery_attempt(delivery_id=delivery.pk) is None
        assert len(server.requests) == 1
        later = timezone.now() + datetime.timedelta(seconds=31)
        assert services.due_deliveries(later) == [delivery.pk]
        assert services.delivery_attempt(delivery_id=delivery.pk, now=later) is None
        assert len(server.requests) == 2
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    headers, body = server.requests[-1]
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Zhonglou-Signature"] == f"sha256={expected}"
    assert headers["X-Zhonglou-Event"] == "verdict.changed"
    assert json.loads(body)["data"] == {"verdict": "eligible"}
    assert json.loads(body)["region"] == zhonglou.code
    assert endpoint.deliveries.count() == 1


@override_settings(NOTIFICATION_MAX_ATTEMPTS=2, NOTIFICATION_RETRY_SECONDS=1)
def test_a_delivery_is_given_up_after_the_last_attempt(zhonglou, leader):
    endpoint = _endpoint(zhonglou, leader, "http://127.0.0.1:9/closed")
    delivery = Delivery.objects.create(
        channel="webhook", endpoint=endpoint, region=zhonglou, payload={"body": {}}
    )
    assert services.delivery_attempt(delivery_id=delivery.pk) == 1
    later = timezone.now() + datetime.timedelta(seconds=5)
    assert services.delivery_attempt(delivery_id=delivery.pk, now=later) is None
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2
    assert delivery.last_error


def test_a_delivery_already_sent_is_not_sent_again(zhonglou, leader):
    with Receiver() as server:
        endpoint = _endpoint(zhonglou, leader, server.url)
        delivery = Delivery.objects.create(
            channel="webhook", endpoint=endpoint, region=zhonglou, payload={"body": {}}
        )
        services.delivery_attempt(delivery_id=delivery.pk)
        services.delivery_attempt(delivery_id=delivery.pk)
    assert len(server.requests) == 1


def test_backoff_grows_and_is_capped():
    from notifications.delivery import backoff_seconds

    with override_settings(NOTIFICATION_RETRY_SECONDS=60):
        assert [backoff_seconds(n) for n in (1, 2, 3, 4, 5)] == [60, 240, 960, 3600, 3600]


# --- the API ------------------------------------------------------------------------------


def _api(client, user):
    client.force_login(user)
    return client


def test_a_leader_registers_a_webhook_and_sees_its_secret_once(client, zhonglou, leader):
    api = _api(client, leader)
    created = api.post(
        URL,
        {
            "name": "市平台",
            "url": "https://example.org/hook",
            "region": "320404",
            "events": ["verdict.changed"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert len(body["secret"]) >= 16 and body["region"] == "320404"
    listed = api.get(URL).json()
    assert [w["id"] for w in listed["results"]] == [body["id"]]
    assert "secret" not in listed["results"][0]
    assert api.get(f"{URL}{body['id']}/deliveries/").json()["results"] == []
    assert api.delete(f"{URL}{body['id']}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {
            "name": "x",
            "url": "ftp://example.org/",
            "region": "320404",
            "events": ["verdict.changed"],
        },
        {"name": "x", "url": "https://example.org/", "region": "320404", "events": ["nope"]},
        {"name": "x", "url": "https://example.org/", "region": "320404", "events": []},
        {
            "name": "x",
            "url": "https://example.org/",
            "region": "32x404",
            "events": ["value.approved"],
        },
        {
            "name": "x",
            "url": "https://example.org/",
            "region": "320404",
            "events": ["value.approved"],
            "secret": "short",
        },
        {
            "name": "",
            "url": "https://example.org/",
            "region": "320404",
            "events": ["value.approved"],
        },
    ],
)
def test_bad_registrations_are_400_with_the_error_body(client, zhonglou, leader, payload):
    response = _api(client, leader).post(URL, payload, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "details"}
    assert not WebhookEndpoint.objects.exists()


def test_an_outsider_cannot_register_for_another_district(client, zhonglou, outsider):
    response = _api(client, outsider).post(
        URL,
        {
            "name": "x",
            "url": "https://example.org/",
            "region": "320404",
            "events": ["value.approved"],
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not WebhookEndpoint.objects.exists()


def test_a_clerk_cannot_register_a_webhook(client, zhonglou, clerk_a):
    response = _api(client, clerk_a).post(
        URL,
        {
            "name": "x",
            "url": "https://example.org/",
            "region": "320404",
            "events": ["value.approved"],
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_anonymous_and_read_only_keys_cannot_register(client, zhonglou, leader):
    payload = {
        "name": "x",
        "url": "https://example.org/",
        "region": "320404",
        "events": ["value.approved"],
    }
    assert client.post(URL, payload, content_type="application/json").status_code in (401, 403)
    key, _obj = make_key(leader)
    response = client.post(URL, payload, content_type="application/json", HTTP_X_API_KEY=key)
    assert response.status_code == 403
    writer, _obj = make_key(leader, can_write=True)
    response = client.post(URL, payload, content_type="application/json", HTTP_X_API_KEY=writer)
    assert response.status_code == 201


def test_others_webhooks_and_deliveries_do_not_exist_for_a_user(
    client, zhonglou, leader, reviewer, outsider
):
    endpoint = _endpoint(zhonglou, leader, "https://example.org/hook")
    Delivery.objects.create(channel="webhook", endpoint=endpoint, region=zhonglou, payload={})
    for other in (reviewer, outsider):
        api = _api(client, other)
        assert api.get(URL).json()["results"] == []
        assert api.get(f"{URL}{endpoint.pk}/").status_code == 404
        assert api.get(f"{URL}{endpoint.pk}/deliveries/").status_code == 404
        assert api.delete(f"{URL}{endpoint.pk}/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    own = _api(client, leader).get(f"{URL}{endpoint.pk}/deliveries/").json()["results"]
    assert [d["status"] for d in own] == ["pending"]


def test_the_webhook_list_and_deliveries_take_the_same_queries_for_more_rows(
    client, zhonglou, leader, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = _api(client, leader)
    counts = []
    for n in (1, 6):
        while WebhookEndpoint.objects.count() < n:
            endpoint = _endpoint(zhonglou, leader, "https://example.org/hook")
            Delivery.objects.create(
                channel="webhook", endpoint=endpoint, region=zhonglou, payload={}
            )
        with CaptureQueriesContext(connection) as listing:
            assert api.get(URL).status_code == 200
        with CaptureQueriesContext(connection) as deliveries:
            assert api.get(f"{URL}{endpoint.pk}/deliveries/").status_code == 200
        counts.append((len(listing), len(deliveries)))
    assert counts[0] == counts[1]
