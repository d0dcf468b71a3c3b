"""Recompute after every change that scoring reads, on commit and coalesced: however many
values one transaction touches, each region gets one recompute with the union of years. On
commit the snapshots the change can move are marked stale (one UPDATE per region, in the
request); the recompute itself runs where ``ASSESSMENT_RECOMPUTE`` says (``recompute.py``)."""

from __future__ import annotations

import logging
import threading

from django.db import transaction
from django.dispatch import receiver

from indicators.signals import region_data_changed

logger = logging.getLogger(__name__)
_pending = threading.local()


def _queue() -> dict[int, set[int] | None]:
    if not hasattr(_pending, "regions"):
        _pending.regions = {}
    return _pending.regions


@receiver(region_data_changed, dispatch_uid="assessments.recompute_on_change")
def on_region_data_changed(sender, region_id: int, years: set[int], **kwargs) -> None:
    queue = _queue()
    if queue and not _flush_pending():
        # What is queued belongs to a transaction that rolled back: it never happened.
        queue.clear()
    if not years or (region_id in queue and queue[region_id] is None):
        queue[region_id] = None  # every year
    else:
        queue.setdefault(region_id, set()).update(years)
    # Registered on every change: the first callback to run flushes everything and the others
    # find nothing to do (one registration alone could be lost with a rolled-back savepoint).
    transaction.on_commit(flush)


def _flush_pending() -> bool:
    """A flush is registered in the current transaction (Django keeps the callbacks of the
    open transaction in ``run_on_commit`` and drops them when it rolls back)."""
    connection = transaction.get_connection()
    return any(entry[1] is flush for entry in connection.run_on_commit)


def flush() -> None:
    from assessments import recompute, services

    queue = _queue()
    pending = dict(queue)
    queue.clear()
    for region_id, years in pending.items():
        try:
            services.mark_stale(region_id, years or ())
        except Exception:  # the write has committed; a failed flag must not turn it into a 500
            logger.exception("could not mark the snapshots of region %s stale", region_id)
    recompute.dispatch(pending)
