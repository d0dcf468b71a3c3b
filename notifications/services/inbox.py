"""A user's own inbox and choices, and the webhook endpoints of API consumers and department
robots."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import scope_of
from indicators.models import Department, Region
from notifications.choices import EndpointKind, Event, Kind
from notifications.models import Notification, NotificationPreference, WebhookEndpoint

NAME_MAX_CHARS = 100
SECRET_MIN_CHARS = 16


@transaction.atomic
def notifications_mark_read(*, actor, ids=None) -> int:
    """Mark the actor's own notifications read (``ids``; None: all of them). Another user's
    ids are ignored. Returns how many changed."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_set(*, actor, choices: dict[str, tuple[bool, bool]]) -> None:
    """The actor's choice per kind: (in the site, by e-mail)."""
    if not actor.is_authenticated:
        raise PermissionDenied
    for kind, (in_site, email) in choices.items():
        if kind not in Kind.values:
            raise ValidationError(_("Unknown kind of notification."), code="kind")
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"in_site": bool(in_site), "email": bool(email)}
        )


def _check_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": _("Enter an http:// or https:// URL.")}) from None
    if len(url) > 500:
        raise ValidationError({"url": _("The URL is too long.")})
    return url


@transaction.atomic
def webhook_endpoint_create(
    *,
    actor,
    region: Region,
    name: str,
    url: str,
    kind: str = EndpointKind.CONSUMER,
    events=(),
    department: Department | None = None,
    secret: str = "",
) -> WebhookEndpoint:
    """Register an endpoint. A consumer's: anyone who reads the region's scores, for the events
    they choose, with their secret (or a new one). A department's group robot: the region's
    reviewers and administrators."""
    scope = scope_of(actor)
    if not scope.reads_scores or not scope.reads_region(region.pk):
        raise PermissionDenied(_("You may not register webhooks for this region."))
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX_CHARS:
        raise ValidationError({"name": _("Give a name of at most 100 characters.")})
    if kind == EndpointKind.CONSUMER:
        events = sorted(set(events or ()))
        if not events or any(e not in Event.values for e in events):
            raise ValidationError(
                {"events": _("Choose among: %(events)s.") % {"events": ", ".join(Event.values)}}
            )
        department = None
        secret = (secret or "").strip() or secrets.token_urlsafe(32)
        if not SECRET_MIN_CHARS <= len(secret) <= 100:
            raise ValidationError(
                {"secret": _("A secret has between 16 and 100 characters.")}, code="secret"
            )
    elif kind in (EndpointKind.WECOM, EndpointKind.DINGTALK):
        if not scope.reviews_region(region.pk):
            raise PermissionDenied(_("Only a reviewer of this region may do this."))
        if department is None or department.region_id != region.pk:
            raise ValidationError({"department": _("Choose a department of this region.")})
        events = []
    else:
        raise ValidationError({"kind": _("Unknown kind of endpoint.")})
    endpoint = WebhookEndpoint(
        name=name,
        kind=kind,
        url=_check_url(url),
        secret=secret,
        region=region,
        department=department,
        events=list(events),
        owner=actor,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def may_manage_endpoint(actor, endpoint: WebhookEndpoint) -> bool:
    """Its owner, the region's reviewers for a robot, and administrators."""
    scope = scope_of(actor)
    if scope.administers or endpoint.owner_id == actor.pk:
        return True
    return endpoint.kind != EndpointKind.CONSUMER and scope.reviews_region(endpoint.region_id)


@transaction.atomic
def webhook_endpoint_delete(*, actor, endpoint: WebhookEndpoint) -> None:
    if not may_manage_endpoint(actor, endpoint):
        raise PermissionDenied(_("You may not remove this webhook."))
    endpoint.delete()
