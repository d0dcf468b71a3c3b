"""End to end through a real broker and a real ``celery worker`` process: the deliveries of a
committed return are sent by the worker (the e-mails, the department's robot), a consumer's
webhook answered 500 is retried by the worker after its back-off and then delivered, and the
reminder job run twice on the worker sends once."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from indicators import services
from notifications import services as notify_services
from notifications.choices import Channel, DeliveryStatus, EndpointKind, Kind
from notifications.models import Delivery, Notification, Reminder, WebhookEndpoint
from notifications.tasks import send_reminders

from .helpers import STRAW, Receiver, submitted

pytestmark = pytest.mark.worker

DEADLINE_SECONDS = 30


@pytest.fixture
def fast_retries(monkeypatch):
    """The worker (started after this) retries a failed delivery after one second."""
    monkeypatch.setenv("NOTIFICATION_RETRY_SECONDS", "1")


def _wait(condition) -> bool:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def test_a_return_is_delivered_by_the_worker_to_the_clerks_and_the_robot(
    shared_database,
    zhonglou,
    clerk_a,
    clerk_b,
    reviewer,
    leader,
    worker_queue,
):
    value = submitted(clerk_a, zhonglou, STRAW, 2021)
    with Receiver() as robot_server:
        WebhookEndpoint.objects.create(
            name="农业群",
            kind=EndpointKind.WECOM,
            url=robot_server.url,
            region=zhonglou,
            department=clerk_a.department,
            owner=reviewer,
        )
        services.value_return(value=value, actor=reviewer, reason="请附统计年报")  # commits
        returned = Delivery.objects.filter(kind=Kind.VALUE_RETURNED)
        assert _wait(
            lambda: (
                returned.count() == 2 and not returned.exclude(status=DeliveryStatus.SENT).exists()
            )
        ), list(returned.values("channel", "status", "last_error"))
        assert robot_server.received.wait(5)
    email = returned.get(channel=Channel.EMAIL)
    assert email.recipient == clerk_a and email.attempts == 1
    assert "请附统计年报" in robot_server.requests[0][1].decode()
    told = Notification.objects.filter(kind=Kind.VALUE_RETURNED)
    assert [n.recipient for n in told] == [clerk_a]


def test_a_webhook_answered_500_is_retried_by_the_worker(
    fast_retries,
    shared_database,
    zhonglou,
    leader,
    worker_queue,
):
    with Receiver(statuses=[500]) as server:
        WebhookEndpoint.objects.create(
            name="city platform",
            kind=EndpointKind.CONSUMER,
            url=server.url,
            secret="s" * 24,
            region=zhonglou,
            events=["verdict.changed"],
            owner=leader,
        )
        with transaction.atomic():
            (delivery,) = notify_services.event_publish(
                event="verdict.changed", region=zhonglou, data={"verdict": "eligible"}
            )
        assert server.received.wait(DEADLINE_SECONDS), "no second post after the 500"
        assert [h["X-Zhonglou-Delivery"] for h, _b in server.requests] == [str(delivery.pk)] * 2
    assert _wait(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_error == ""


def test_the_reminder_job_run_twice_on_the_worker_sends_once(
    shared_database,
    zhonglou,
    reviewer,
    clerk_a,
    worker_queue,
):
    services.region_assessment_year_set(actor=reviewer, region=zhonglou, year=2020)
    send_reminders.delay()
    send_reminders.delay()
    mine = Notification.objects.filter(recipient=clerk_a, kind=Kind.OVERDUE)
    assert _wait(lambda: mine.exists())
    time.sleep(3)  # the second run has had its turn
    assert mine.count() == 1
    assert Reminder.objects.filter(recipient=clerk_a, kind=Kind.OVERDUE).count() > 1
    emails = Delivery.objects.filter(recipient=clerk_a, kind=Kind.OVERDUE)
    assert _wait(lambda: emails.filter(status=DeliveryStatus.SENT).count() == 1)
