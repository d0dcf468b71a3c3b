"""Notifications in the site, the users' choices, webhook endpoints and every delivery."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.choices import Channel, DeliveryStatus, EndpointKind, Kind


class Notification(models.Model):
    """One message in a user's in-site inbox (the bell)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        "indicators.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A user's choice for one kind of notification: in the site, by e-mail, both or neither.
    Without a row both are on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    in_site = models.BooleanField(_("in the site"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                name="notification_preference_one_per_kind",
                violation_error_message=_("This user already has a choice for this kind."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class WebhookEndpoint(models.Model):
    """Where messages are posted: a department's group robot (WeCom or DingTalk style JSON,
    the department's notifications), or an API consumer's URL for a region's events (signed
    with HMAC-SHA256 of the body with its secret)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=EndpointKind.choices)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("secret"), max_length=100, blank=True)
    region = models.ForeignKey(
        "indicators.Region",
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("region"),
    )
    department = models.ForeignKey(
        "indicators.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("department"),
        help_text=_("For a group robot: the department whose messages it posts."),
    )
    events = models.JSONField(
        _("events"), default=list, blank=True, help_text=_("For an API consumer.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("owner"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["region", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=EndpointKind.CONSUMER) | Q(department__isnull=False),
                name="webhook_robot_has_department",
                violation_error_message=_("A group robot belongs to a department."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One message to send through one channel (an e-mail to a user, a post to an
    endpoint), with its attempts: retried with back-off until sent or given up."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    event = models.CharField(_("event"), max_length=40, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    region = models.ForeignKey(
        "indicators.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try"), null=True, blank=True, db_index=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"


class Reminder(models.Model):
    """A reminder sent (deadline near, overdue, escalation) or a digest: one row per data
    element, year, day and recipient (per corrective action, day and recipient for an overdue
    action), so that a job run twice, or on two workers at once, sends once."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        "indicators.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("region")
    )
    data_element = models.ForeignKey(
        "indicators.DataElement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("data element"),
    )
    year = models.PositiveSmallIntegerField(_("data year"), default=0)
    action = models.ForeignKey(
        "actions.CorrectiveAction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrective action"),
    )
    day = models.DateField(_("day"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "data_element", "year", "day", "recipient"],
                condition=Q(data_element__isnull=False),
                name="reminder_once_per_element_year_day",
                violation_error_message=_("This reminder was sent already."),
            ),
            models.UniqueConstraint(
                fields=["kind", "region", "day", "recipient"],
                condition=Q(data_element__isnull=True, action__isnull=True),
                name="reminder_once_per_region_day",
                violation_error_message=_("This message was sent already."),
            ),
            models.UniqueConstraint(
                fields=["kind", "action", "day", "recipient"],
                condition=Q(action__isnull=False),
                name="reminder_once_per_action_day",
                violation_error_message=_("This reminder was sent already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}"
