"""The workflow's and the verdict's signals, turned into notifications once the writing
transaction commits: the changes of one transaction are collected (so that a department's
submission of many values makes one message), and a transaction that rolls back notifies
nobody. A failure here is logged: it never turns a committed write into an error."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from assessments.signals import verdict_changed
from indicators.signals import value_transitioned

logger = logging.getLogger(__name__)


class _Batch:
    """The on-commit callback of one transaction, holding what it collected."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.items: list = []

    def __call__(self) -> None:
        try:
            self.handle(self.items)
        except Exception:
            logger.exception("could not make the notifications of a committed change")


def _collect(handle, item) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        batch = _Batch(handle)
        batch.items.append(item)
        batch()
        return
    for entry in connection.run_on_commit:
        callback = entry[1]
        if isinstance(callback, _Batch) and callback.handle is handle:
            callback.items.append(item)
            return
    batch = _Batch(handle)
    batch.items.append(item)
    transaction.on_commit(batch)


def _workflow(items) -> None:
    from notifications.services import workflow_notify

    workflow_notify(items)


def _verdicts(items) -> None:
    from notifications.services import verdict_notify

    verdict_notify(items)


@receiver(value_transitioned, dispatch_uid="notifications.on_value_transitioned")
def on_value_transitioned(sender, action: str, value, actor, reason: str = "", **kwargs) -> None:
    from notifications.services import WorkflowEvent

    _collect(
        _workflow,
        WorkflowEvent(
            action=action, value_id=value.pk, actor_id=getattr(actor, "pk", None), reason=reason
        ),
    )


@receiver(verdict_changed, dispatch_uid="notifications.on_verdict_changed")
def on_verdict_changed(sender, snapshot, **kwargs) -> None:
    _collect(_verdicts, snapshot.pk)
