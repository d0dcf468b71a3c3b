"""Celery tasks: thin, idempotent, take ids or nothing, call services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from notifications import services


@shared_task(name="notifications.deliver", bind=True, ignore_result=True, max_retries=None)
def deliver(self, delivery_id: int) -> None:
    """Send one delivery; after a failure, try again after the back-off the service gives
    (the delivery row counts the attempts and gives up after NOTIFICATION_MAX_ATTEMPTS)."""
    delay = services.delivery_attempt(delivery_id=delivery_id)
    if delay is not None and not self.request.is_eager:
        # Eager (no broker): the beat's deliver_due, or the thread mode, tries again.
        raise self.retry(countdown=delay)


@shared_task(name="notifications.deliver_batch", bind=True, ignore_result=True)
def deliver_batch(self, delivery_ids: list[int]) -> None:
    """The deliveries of one commit, queued as one task (one publish per write, so that a
    broker that is down costs the write one refused connection, not one per delivery); a
    failed one is tried again on its own after its back-off."""
    for pk in delivery_ids:
        delay = services.delivery_attempt(delivery_id=pk)
        if delay is not None and not self.request.is_eager:
            deliver.apply_async((pk,), countdown=delay)


@shared_task(name="notifications.deliver_due", ignore_result=True)
def deliver_due() -> int:
    """Every few minutes: the deliveries whose retry is due, and any left pending by a stopped
    process or a broker outage."""
    ids = services.due_deliveries()
    for pk in ids:
        deliver.delay(pk)
    return len(ids)


@shared_task(name="notifications.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Daily: deadlines near, overdue values and corrective actions, and escalations (once per
    element or action, day and recipient, however often it runs)."""
    return services.reminders_send(today=timezone.localdate())


@shared_task(name="notifications.send_digests", ignore_result=True)
def send_digests() -> int:
    """Weekly: the leaders' digest of every region (once per region, day and leader)."""
    return services.digests_send(today=timezone.localdate())
