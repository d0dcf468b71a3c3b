"""The workflow's and the verdict's signals, turned into notifications once the writing
transaction commits: the changes of one transaction are collected (so that a department's
submission of many values makes one message), and a transaction that rolls back notifies
nobody. A failure here is logged: it never turns a committed write into an error."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from django.db import transaction
from django.dispatch import receiver

from assessments.signals import verdict_changed
from indicators.signals import value_transitioned

logger = logging.getLogger(__name__)


class _Pending:
    """What the open transaction collected for ``handle``, handed over on commit. The flush
    is registered with every item (one registration alone could be lost with a rolled-back
    savepoint); the first to run takes everything, the others find nothing. Items left with
    no flush registered belong to a transaction that rolled back: they are dropped."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.local = threading.local()

    def items(self) -> list:
        if not hasattr(self.local, "items"):
            self.local.items = []
        return self.local.items

    def add(self, item) -> None:
        items = self.items()
        connection = transaction.get_connection()
        if items and not any(entry[1] == self.flush for entry in connection.run_on_commit):
            items.clear()
        items.append(item)
        transaction.on_commit(self.flush)

    def flush(self) -> None:
        items = self.items()
        taken = list(items)
        items.clear()
        if not taken:
            return
        try:
            self.handle(taken)
        except Exception:  # the change has committed: log, never raise
            logger.exception("could not make the notifications of a committed change")


def _workflow(items) -> None:
    from notifications.services import workflow_notify

    workflow_notify(items)


def _verdicts(items) -> None:
    from notifications.services import verdict_notify

    verdict_notify(items)


_muted = threading.local()


@contextmanager
def muted():
    """Writes in this block notify nobody: the demo's seeding enters and approves its figures
    through the workflow, and nobody should be told about it."""
    _muted.on = True
    try:
        yield
    finally:
        _muted.on = False


def _is_muted() -> bool:
    return getattr(_muted, "on", False)


_workflow_pending = _Pending(_workflow)
_verdict_pending = _Pending(_verdicts)


@receiver(value_transitioned, dispatch_uid="notifications.on_value_transitioned")
def on_value_transitioned(sender, action: str, value, actor, reason: str = "", **kwargs) -> None:
    from notifications.services import WorkflowEvent

    if _is_muted():
        return
    _workflow_pending.add(
        WorkflowEvent(
            action=action, value_id=value.pk, actor_id=getattr(actor, "pk", None), reason=reason
        ),
    )


@receiver(verdict_changed, dispatch_uid="notifications.on_verdict_changed")
def on_verdict_changed(sender, snapshot, **kwargs) -> None:
    if _is_muted():
        return
    _verdict_pending.add(snapshot.pk)
