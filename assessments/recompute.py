"""Where a recompute runs once a write has committed, chosen by ``ASSESSMENT_RECOMPUTE``:

- ``celery``: queued for the Celery worker (the default when a broker is configured; with no
  broker Celery runs it eagerly, which is what the test settings keep);
- ``thread``: a daemon thread of this process, after the response (the embedded default:
  ``make run`` without a broker);
- ``inline``: in the request, before the response (slow; the "before" of ``bench_write.py``).

In every mode the receivers have marked the snapshots the change can move stale first, so a
read made before the recompute ends computes the verdict in memory instead of showing the old
one. A recompute that fails leaves them stale and is logged; the nightly run (or the next
change of the region) brings them back.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable, Mapping

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from assessments import services

logger = logging.getLogger(__name__)

MODES = ("celery", "thread", "inline")
EXIT_WAIT_SECONDS = 60

# region id → the changed years (None: every year), as the receivers coalesce them.
Pending = Mapping[int, "set[int] | None"]


def _run_task(region_id: int, years: list[int]) -> int:
    """What the Celery task does, called in this process."""
    return services.region_recompute(region_id=region_id, years=years, now=timezone.now())


class BackgroundRecompute:
    """One daemon thread and a queue of regions. A region queued while it waits has its years
    merged into the waiting entry (however many writes, one recompute); a region queued while
    it is being recomputed waits for one more run, which sees the newer data."""

    def __init__(self, run: Callable[[int, list[int]], int] = _run_task) -> None:
        self.run = run
        self._pending: dict[int, set[int] | None] = {}
        self._busy = False
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self.failures = 0

    def submit(self, region_id: int, years: set[int] | None) -> None:
        with self._changed:
            if not years or (region_id in self._pending and self._pending[region_id] is None):
                self._pending[region_id] = None
            else:
                self._pending.setdefault(region_id, set()).update(years)
            if self._thread is None or not self._thread.is_alive():
                if self._thread is None:
                    # A process that ends (a management command, a reloading runserver) first
                    # lets the queued recomputes finish, for a while at most.
                    atexit.register(self.wait_idle, EXIT_WAIT_SECONDS)
                self._thread = threading.Thread(
                    target=self._loop, name="zhonglou-recompute", daemon=True
                )
                self._thread.start()
            self._changed.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or running (management commands before they exit,
        tests, benchmarks); False if ``timeout`` seconds passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending and not self._busy, timeout)

    def _next(self) -> tuple[int, set[int] | None]:
        with self._changed:
            self._changed.wait_for(lambda: self._pending)
            region_id = next(iter(self._pending))
            self._busy = True
            return region_id, self._pending.pop(region_id)

    def _loop(self) -> None:
        while True:
            region_id, years = self._next()
            try:
                close_old_connections()
                self.run(region_id, sorted(years or ()))
            except Exception:
                self.failures += 1
                logger.exception(
                    "background recompute of region %s (years %s) failed; its snapshots stay "
                    "stale until the next change or the nightly run",
                    region_id,
                    sorted(years or ()) or "all",
                )
            finally:
                # This thread's connection is not a request's: give it back after each job.
                connections.close_all()
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()


background = BackgroundRecompute()


def mode() -> str:
    return getattr(settings, "ASSESSMENT_RECOMPUTE", "celery")


def dispatch(pending: Pending) -> None:
    """Start the recompute of each region, in the configured mode. Never raises: the write
    has committed and stands whatever happens to its recompute."""
    current = mode()
    for region_id, years in pending.items():
        if current == "thread":
            background.submit(region_id, years)
        elif current == "inline":
            _inline(region_id, years)
        else:
            _queue(region_id, years)


def _inline(region_id: int, years: set[int] | None) -> None:
    try:
        _run_task(region_id, sorted(years or ()))
    except Exception:
        logger.exception("recompute of region %s failed; its snapshots stay stale", region_id)


def _queue(region_id: int, years: set[int] | None) -> None:
    from assessments.tasks import recompute_region

    try:
        recompute_region.apply_async(args=[region_id, sorted(years or ())], retry=False)
    except Exception:  # the broker is down: the write stands, the verdicts stay stale
        logger.warning("could not queue a recompute for region %s", region_id, exc_info=True)
