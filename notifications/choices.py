"""Enumerations of notifications, their channels and deliveries."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; each user chooses which kinds they receive, and how."""

    VALUE_RETURNED = "value_returned", _("a value was returned")
    VALUES_SUBMITTED = "values_submitted", _("values were submitted")
    VALUES_APPROVED = "values_approved", _("values were approved")
    DEADLINE_SOON = "deadline_soon", _("a deadline is near")
    OVERDUE = "overdue", _("values are overdue")
    ESCALATION = "escalation", _("values are long overdue (to the head)")
    ACTION_OVERDUE = "action_overdue", _("corrective actions are overdue")
    ACTION_ESCALATION = "action_escalation", _("corrective actions are long overdue (to the head)")
    VERDICT_CHANGED = "verdict_changed", _("the verdict changed")
    DIGEST = "digest", _("the weekly digest")


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    ROBOT = "robot", _("group robot")
    WEBHOOK = "webhook", _("webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class EndpointKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    CONSUMER = "consumer", _("API consumer (signed JSON)")


class Event(models.TextChoices):
    """The events an API consumer can subscribe to."""

    VERDICT_CHANGED = "verdict.changed", _("verdict changed")
    VALUE_APPROVED = "value.approved", _("value approved")
