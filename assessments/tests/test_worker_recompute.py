"""End to end through a real broker and a real ``celery worker`` process: an approval
committed by the web process is scored by the worker within seconds."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.db import connection

from assessments.models import AssessmentSnapshot
from indicators import services
from zhonglou import celery_app

from .snapshot_helpers import STRAW, element, indicator

pytestmark = pytest.mark.worker

DEADLINE_SECONDS = 20


@pytest.fixture
def shared_database(transactional_db):
    """Commits that another process can read: skipped on SQLite, whose in-memory test
    database exists only inside this process."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "the worker process cannot open the in-memory SQLite test database; "
            "run with DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://…"
        )


@pytest.fixture
def worker_queue(celery_worker_process):
    """The worker's queue, emptied afterwards: the recomputes queued by the entry and the
    submission may still be waiting when the test has seen what it needs."""
    yield celery_worker_process
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(celery_worker_process)


def _wait_for_snapshot(**key) -> AssessmentSnapshot | None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        snapshot = AssessmentSnapshot.objects.filter(is_current=True, **key).first()
        if snapshot is not None and indicator(snapshot, "25.1")["status"] == "met":
            return snapshot
        time.sleep(0.25)
    return None


def test_an_approval_is_scored_by_the_worker(
    shared_database, zhonglou, catalogue, clerk_a, reviewer, worker_queue
):
    saved = services.value_save(
        actor=clerk_a, region=zhonglou, data_element=element(STRAW), year=2021, value=Decimal(97)
    ).value
    services.value_submit(value=saved, actor=clerk_a)

    assert not celery_app.conf.task_always_eager
    services.value_approve(value=saved, actor=reviewer)  # commits; the recompute is queued

    snapshot = _wait_for_snapshot(region=zhonglou, edition=catalogue, year=2021, mode="official")
    assert snapshot is not None, f"no snapshot showing 25.1 met within {DEADLINE_SECONDS} s"
    assert indicator(snapshot, "25.1")["value_text"] == "97%"
    assert not snapshot.stale
