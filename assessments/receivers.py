"""Recompute after every change that scoring reads, queued on commit and coalesced: however
many values one transaction touches, each region gets one task with the union of years."""

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
    from assessments import services
    from assessments.tasks import recompute_region

    queue = _queue()
    pending = dict(queue)
    queue.clear()
    for region_id, years in pending.items():
        try:
            recompute_region.apply_async(args=[region_id, sorted(years or ())], retry=False)
        except Exception:  # the broker is down: the write stands, the verdict is marked stale
            logger.warning("could not queue a recompute for region %s", region_id, exc_info=True)
            services.mark_stale(region_id)
