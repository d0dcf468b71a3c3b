"""Where the deliveries of a committed write are sent from, chosen by
``NOTIFICATION_DELIVERY`` (as the recompute's ``ASSESSMENT_RECOMPUTE``): ``celery`` queues one
task for the deliveries of a commit (a failed one is retried on its own, with back-off, by the
worker; with the broker down they stay pending for the beat's ``deliver_due``); ``thread``
sends them from a daemon thread of this process, retrying with back-off in that thread (the
embedded default, ``make run``); ``inline`` sends them before returning (tests). A write never
waits for a channel and never fails because one is down: a failure is logged and the delivery
stays pending."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def send_later(delivery_ids: list[int]) -> None:
    mode = settings.NOTIFICATION_DELIVERY
    try:
        if mode == "celery":
            from notifications.tasks import deliver_batch

            # No publish retries: with the broker down the write goes on at once, and the
            # deliveries wait, pending, for the beat's deliver_due.
            deliver_batch.apply_async(args=[list(delivery_ids)], retry=False)
        elif mode == "thread":
            threading.Thread(
                target=_send_in_thread, args=(list(delivery_ids),), daemon=True
            ).start()
        else:
            for pk in delivery_ids:
                _attempt(pk)
    except Exception:  # the write has committed: a broker down must not turn it into a 500
        logger.exception("could not queue deliveries %s", delivery_ids)


def _attempt(pk: int) -> int | None:
    from notifications.services import delivery_attempt

    try:
        return delivery_attempt(delivery_id=pk)
    except Exception:
        logger.exception("delivery %s raised", pk)
        return None


def _send_in_thread(delivery_ids: list[int]) -> None:
    try:
        waiting = list(delivery_ids)
        while waiting:
            retry = []
            for pk in waiting:
                delay = _attempt(pk)
                if delay is not None:
                    retry.append((delay, pk))
            if not retry:
                break
            time.sleep(min(d for d, _pk in retry))
            waiting = [pk for _d, pk in retry]
    finally:
        close_old_connections()
