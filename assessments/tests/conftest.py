"""Fixtures for the snapshot and recompute tests: committing a block (its on-commit callbacks
run at its end) and observing what the receivers queue for Celery."""

from __future__ import annotations

import pytest
from kombu.exceptions import OperationalError

from assessments import receivers, tasks
from tests.conftest import celery_worker_process  # noqa: F401  (the real-worker tests use it)


class QueueRecorder:
    """Stands in for ``recompute_region.apply_async``: records what was queued, and either
    raises as an unreachable broker would (``down``) or runs the task in process (``run``)."""

    def __init__(self, original):
        self.original = original
        self.sent: list[tuple[int, list[int]]] = []
        self.down = False
        self.run = False

    def __call__(self, args=None, kwargs=None, **options):
        if self.down:
            raise OperationalError("Error 111 connecting to the broker. Connection refused.")
        region_id, years = args
        self.sent.append((region_id, list(years)))
        return self.original(args=args, kwargs=kwargs, **options) if self.run else None


@pytest.fixture
def queued(monkeypatch) -> QueueRecorder:
    """What the receivers queue, as (region id, years) pairs; nothing runs unless ``run``."""
    recorder = QueueRecorder(tasks.recompute_region.apply_async)
    monkeypatch.setattr(tasks.recompute_region, "apply_async", recorder)
    return recorder


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): …`` runs the block as a committed transaction: the on-commit
    callbacks it registered run at its end. Changes the test's set-up signalled (inside the
    test's transaction, which never commits) are forgotten first unless ``keep_pending``."""

    def block(*, keep_pending: bool = False):
        if not keep_pending:
            receivers._queue().clear()
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture(autouse=True)
def _no_pending_recompute():
    """Each test starts with no region waiting for a recompute in this thread."""
    receivers._queue().clear()
    yield
    receivers._queue().clear()
