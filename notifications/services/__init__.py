"""Every write of the notifications app goes through a function of this package."""

from .inbox import (
    may_manage_endpoint,
    notifications_mark_read,
    preferences_set,
    webhook_endpoint_create,
    webhook_endpoint_delete,
)
from .reminders import digest_context, digest_render, digests_send, reminders_send
from .sending import deliveries_retry, delivery_attempt, due_deliveries, event_publish, notify
from .workflow import WorkflowEvent, verdict_notify, workflow_notify

__all__ = [
    "WorkflowEvent",
    "deliveries_retry",
    "delivery_attempt",
    "digest_context",
    "digest_render",
    "digests_send",
    "due_deliveries",
    "event_publish",
    "may_manage_endpoint",
    "notifications_mark_read",
    "notify",
    "preferences_set",
    "reminders_send",
    "verdict_notify",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "workflow_notify",
]
