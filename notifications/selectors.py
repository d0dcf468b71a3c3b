"""Reads of the notifications app, each limited to what the user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.scope import scope_of
from notifications.choices import EndpointKind, Kind
from notifications.models import Delivery, Notification, NotificationPreference, WebhookEndpoint


def notifications_for_user(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).select_related("region")


def unread_count(user) -> int:
    return notifications_for_user(user).filter(read_at__isnull=True).count()


def preferences_of(user) -> list[dict]:
    """Every kind with the user's choice (both on without a stored one)."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    return [
        {
            "kind": kind,
            "label": label,
            "in_site": stored[kind].in_site if kind in stored else True,
            "email": stored[kind].email if kind in stored else True,
        }
        for kind, label in Kind.choices
    ]


def endpoints_for_user(user) -> QuerySet[WebhookEndpoint]:
    """Administrators: every endpoint; reviewers: their regions' robots and their own; anyone
    else with a role: the endpoints they registered."""
    scope = scope_of(user)
    endpoints = WebhookEndpoint.objects.select_related("region", "department", "owner")
    if scope.administers:
        return endpoints
    if not scope.active:
        return endpoints.none()
    mine = Q(owner=user)
    if scope.reviews and scope.region_id is not None:
        mine |= Q(region_id=scope.region_id) & ~Q(kind=EndpointKind.CONSUMER)
    return endpoints.filter(mine)


def deliveries_for_user(user) -> QuerySet[Delivery]:
    """Administrators: every delivery; others: those of the endpoints they see and the
    e-mails sent to themselves."""
    scope = scope_of(user)
    deliveries = Delivery.objects.select_related("endpoint", "recipient", "region")
    if scope.administers:
        return deliveries
    if not scope.active:
        return deliveries.none()
    return deliveries.filter(Q(endpoint__in=endpoints_for_user(user)) | Q(recipient=user))
