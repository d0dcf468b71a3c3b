"""Creating notifications and their deliveries (sent once the creating transaction commits,
never in it), and sending one delivery."""

from __future__ import annotations

import datetime
import functools
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.scope import scope_of
from indicators.models import Region
from notifications import delivery as channels
from notifications import dispatch
from notifications.choices import Channel, DeliveryStatus, EndpointKind
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    WebhookEndpoint,
)

logger = logging.getLogger(__name__)

ROBOT_KINDS = (EndpointKind.WECOM, EndpointKind.DINGTALK)
LEASE = datetime.timedelta(minutes=5)  # a delivery being sent is not taken by another worker
SLACK = datetime.timedelta(seconds=2)  # a retry queued with a countdown may arrive a little early


def in_site_language(function):
    """Messages are written in the site's language (Chinese), whoever's request they follow."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def absolute(path: str) -> str:
    return settings.SITE_URL + path


# --- creating notifications ----------------------------------------------------------------


def _preferences(users, kind: str) -> dict[int, NotificationPreference]:
    return {
        p.user_id: p
        for p in NotificationPreference.objects.filter(user__in=[u.pk for u in users], kind=kind)
    }


@transaction.atomic
def notify(
    *,
    kind: str,
    recipients,
    region: Region | None,
    title: str,
    body: str,
    link: str = "",
    department=None,
    html: str = "",
) -> list[Notification]:
    """Tell ``recipients`` (users) in the site and by e-mail, as each has chosen for ``kind``,
    and post to ``department``'s group robots. Deliveries are sent after the commit."""
    users = list({u.pk: u for u in recipients if u is not None and u.is_active}.values())
    prefs = _preferences(users, kind)
    notes = [
        Notification(recipient=u, kind=kind, region=region, title=title[:200], body=body, link=link)
        for u in users
        if prefs.get(u.pk) is None or prefs[u.pk].in_site
    ]
    Notification.objects.bulk_create(notes)
    text = body + (f"\n\n{absolute(link)}" if link else "")
    deliveries = [
        Delivery(
            channel=Channel.EMAIL,
            kind=kind,
            recipient=u,
            region=region,
            subject=title[:200],
            payload={"to": u.email, "text": text, "html": html},
        )
        for u in users
        if u.email and (prefs.get(u.pk) is None or prefs[u.pk].email)
    ]
    if department is not None:
        deliveries += [
            Delivery(
                channel=Channel.ROBOT,
                kind=kind,
                endpoint=endpoint,
                region=region,
                subject=title[:200],
                payload={
                    "body": channels.robot_body(
                        endpoint.kind, title, body, absolute(link) if link else ""
                    )
                },
            )
            for endpoint in WebhookEndpoint.objects.filter(
                department=department, kind__in=ROBOT_KINDS, active=True
            )
        ]
    _queue(deliveries)
    return notes


def event_publish(*, event: str, region: Region, data: dict) -> list[Delivery]:
    """A signed post of ``event`` to every active consumer endpoint of ``region`` that asked
    for it, sent after the commit."""
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(
            kind=EndpointKind.CONSUMER, region=region, active=True
        )
        if event in (e.events or [])
    ]
    body = {
        "event": event,
        "region": region.code,
        "created_at": timezone.now().isoformat(),
        "data": data,
    }
    deliveries = [
        Delivery(
            channel=Channel.WEBHOOK,
            event=event,
            endpoint=endpoint,
            region=region,
            subject=event,
            payload={"body": body},
        )
        for endpoint in endpoints
    ]
    _queue(deliveries)
    return deliveries


def _queue(deliveries: list[Delivery]) -> None:
    if not deliveries:
        return
    Delivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: dispatch.send_later(ids))


# --- sending one delivery ------------------------------------------------------------------


def delivery_attempt(*, delivery_id: int, now: datetime.datetime | None = None) -> int | None:
    """Try to send one pending delivery whose time has come. Returns the seconds after which
    to try again when it failed and has attempts left, else None. Safe to run twice or on two
    workers: the delivery is leased (one UPDATE) before it is sent."""
    now = now or timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(
            Q(next_try_at__isnull=True) | Q(next_try_at__lte=now + datetime.timedelta(seconds=2))
        )
        .update(next_try_at=now + LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    item = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    try:
        _send(item)
    except channels.DeliveryFailed as exc:
        retry = item.attempts < settings.NOTIFICATION_MAX_ATTEMPTS
        delay = channels.backoff_seconds(item.attempts)
        Delivery.objects.filter(pk=item.pk).update(
            status=DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED,
            next_try_at=now + datetime.timedelta(seconds=delay) if retry else None,
            last_error=str(exc)[:500],
        )
        logger.warning(
            "delivery %s (%s) failed, attempt %s: %s", item.pk, item.channel, item.attempts, exc
        )
        return delay if retry else None
    Delivery.objects.filter(pk=item.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), next_try_at=None, last_error=""
    )
    return None


def _send(item: Delivery) -> None:
    payload = item.payload or {}
    if item.channel == Channel.EMAIL:
        channels.send_email(
            payload.get("to", ""), item.subject, payload.get("text", ""), payload.get("html", "")
        )
        return
    endpoint = item.endpoint
    if endpoint is None or not endpoint.active:
        raise channels.DeliveryFailed("the endpoint was removed or deactivated")
    body = channels.encode(payload.get("body", {}))
    headers = {}
    if item.channel == Channel.WEBHOOK:
        headers = {
            channels.EVENT_HEADER: item.event,
            channels.DELIVERY_HEADER: str(item.pk),
            channels.SIGNATURE_HEADER: channels.signature(endpoint.secret, body),
        }
    channels.post_json(endpoint.url, body, headers)


def due_deliveries(now: datetime.datetime | None = None) -> list[int]:
    """The pending deliveries whose (next) try is due."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )


@transaction.atomic
def deliveries_retry(*, actor, deliveries) -> int:
    """Administrators: send the given deliveries (failed or pending) again now, with their
    attempts counted afresh."""
    if not scope_of(actor).administers:
        raise PermissionDenied(_("Only an administrator may do this."))
    ids = list(
        Delivery.objects.filter(
            pk__in=[d.pk for d in deliveries],
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        ).values_list("pk", flat=True)
    )
    Delivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, attempts=0, next_try_at=None
    )
    transaction.on_commit(lambda: dispatch.send_later(ids))
    return len(ids)
