"""The embedded default (no broker): a write marks the verdicts it can move stale and returns;
a background thread of the process recomputes them afterwards, one run per region however
many writes queued it; a failure there is logged and leaves the verdicts stale."""

from __future__ import annotations

import logging
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import recompute
from assessments.models import AssessmentSnapshot
from assessments.tasks import recompute_region
from indicators import services
from indicators.choices import ValueStatus
from indicators.models import IndicatorValue, Region

from .snapshot_helpers import FILM, STRAW, current, element, indicator

WAIT = 30  # seconds: generous for a loaded two-core machine; a pass takes well under one


class Gate:
    """The recompute the thread runs, held until ``release`` so that a test can look at the
    database between the write's return and the recompute."""

    def __init__(self, run=recompute._run_task):
        self.run = run
        self.opened = threading.Event()
        self.started = threading.Event()
        self.calls: list[tuple[int, list[int]]] = []

    def __call__(self, region_id: int, years: list[int]) -> int:
        self.calls.append((region_id, years))
        self.started.set()
        assert self.opened.wait(WAIT), "the test never released the recompute"
        return self.run(region_id, years)

    def release(self) -> None:
        self.opened.set()


@pytest.fixture
def worker(settings, monkeypatch):
    """Thread mode, with a worker of this test's own (its recompute replaced by ``worker.run
    = …``); the test ends only when the worker is idle."""
    settings.ASSESSMENT_RECOMPUTE = "thread"
    background = recompute.BackgroundRecompute()
    monkeypatch.setattr(recompute, "background", background)
    yield background
    if isinstance(background.run, Gate):
        background.run.release()
    assert background.wait_idle(WAIT), "the background recompute did not finish"


def submitted(clerk, region, key: str, year: int, value) -> IndicatorValue:
    saved = services.value_save(
        actor=clerk, region=region, data_element=element(key), year=year, value=Decimal(value)
    ).value
    return services.value_submit(value=saved, actor=clerk)


def set_up(worker, write, *args, store: bool = True):
    """A test's set-up writes, with the thread idle and the verdicts stored by this thread:
    the in-memory test database locks whole tables, so the two threads must not use it at
    once (a database file, as ``make run`` has, makes the other writer wait instead)."""
    run, worker.run = worker.run, lambda region_id, years: 0
    result = write(*args)
    assert worker.wait_idle(WAIT)
    worker.run = run
    if store:
        for region_id in {r.region_id for r in IndicatorValue.objects.all()}:
            recompute_region.run(region_id, [])
    return result


def _stale(region: Region) -> set[bool]:
    return set(
        AssessmentSnapshot.objects.filter(region=region, is_current=True).values_list(
            "stale", flat=True
        )
    )


@pytest.mark.django_db(transaction=True)
def test_a_write_returns_before_its_recompute_and_the_thread_then_stores_the_verdict(
    zhonglou, catalogue, clerk_a, reviewer, worker
):
    # Real commits, as requests make them: the thread reads what the write committed.
    value = set_up(worker, submitted, clerk_a, zhonglou, STRAW, 2021, "97")
    assert _stale(zhonglou) == {False}
    worker.run = gate = Gate()

    services.value_approve(value=value, actor=reviewer)

    # The write has returned; its recompute waits behind the gate.
    assert gate.started.wait(WAIT)
    assert IndicatorValue.objects.get(pk=value.pk).status == ValueStatus.APPROVED
    assert _stale(zhonglou) == {True}
    assert indicator(current(zhonglou, catalogue), "25.1")["status"] == "pending"

    gate.release()
    assert worker.wait_idle(WAIT)

    assert gate.calls == [(zhonglou.pk, [2021])]
    assert _stale(zhonglou) == {False}
    snapshot = current(zhonglou, catalogue)
    assert indicator(snapshot, "25.1")["status"] == "met"
    assert "25.1 pending → met" in snapshot.change_note


@pytest.mark.django_db(transaction=True)
def test_a_failing_recompute_is_logged_leaves_the_verdicts_stale_and_the_thread_carries_on(
    zhonglou, catalogue, clerk_a, reviewer, worker, caplog
):
    value = set_up(worker, submitted, clerk_a, zhonglou, STRAW, 2021, "97")

    def broken(region_id, years):
        raise RuntimeError("the disk is full")

    worker.run = broken
    with caplog.at_level(logging.ERROR, logger="assessments.recompute"):
        services.value_approve(value=value, actor=reviewer)
        assert worker.wait_idle(WAIT)

    assert worker.failures == 1
    [record] = [r for r in caplog.records if r.name == "assessments.recompute"]
    assert record.levelno == logging.ERROR
    assert f"region {zhonglou.pk}" in record.getMessage()
    assert record.exc_info[0] is RuntimeError
    assert IndicatorValue.objects.get(pk=value.pk).status == ValueStatus.APPROVED
    assert _stale(zhonglou) == {True}

    # The thread survived: the next change of the region is recomputed, stale flags cleared.
    film = set_up(
        worker,
        lambda: (
            services.value_save(
                actor=clerk_a, region=zhonglou, data_element=element(FILM), year=2021, value=88
            ).value
        ),
        store=False,
    )
    assert _stale(zhonglou) == {True}  # as the failed recompute left them
    worker.run = recompute._run_task
    services.value_submit(value=film, actor=clerk_a)
    assert worker.wait_idle(WAIT)

    assert _stale(zhonglou) == {False}
    assert indicator(current(zhonglou, catalogue), "25.1")["status"] == "met"


@pytest.mark.django_db
def test_a_write_in_thread_mode_runs_no_scoring_queries_in_the_request(
    zhonglou, catalogue, clerk_a, reviewer, worker, committed, settings
):
    recompute_region.run(zhonglou.pk, [])  # stored verdicts, so that the flag has rows to set
    first = submitted(clerk_a, zhonglou, STRAW, 2021, "97")
    second = submitted(clerk_a, zhonglou, FILM, 2021, "88")
    worker.run = gate = Gate(run=lambda region_id, years: 0)  # the test transaction never commits

    with CaptureQueriesContext(connection) as threaded, committed():
        services.value_approve(value=first, actor=reviewer)
    settings.ASSESSMENT_RECOMPUTE = "inline"
    with CaptureQueriesContext(connection) as inline, committed():
        services.value_approve(value=second, actor=reviewer)

    snapshot_sql = [
        q["sql"] for q in threaded.captured_queries if "assessments_assessmentsnapshot" in q["sql"]
    ]
    assert len(snapshot_sql) == 1 and snapshot_sql[0].startswith("UPDATE"), snapshot_sql
    assert not any(
        q["sql"].startswith("INSERT") and "assessmentsnapshot" in q["sql"]
        for q in threaded.captured_queries
    )
    # Inline, the same approval also builds the inputs and stores every verdict it moves.
    assert len(inline) > len(threaded) + 20, (len(threaded), len(inline))
    gate.release()
    assert worker.wait_idle(WAIT)
    assert gate.calls == [(zhonglou.pk, [2021])]


def test_writes_queued_while_the_thread_is_busy_coalesce_into_one_run_per_region():
    gate = Gate(run=lambda region_id, years: 0)
    worker = recompute.BackgroundRecompute(run=gate)

    worker.submit(1, {2019})
    assert gate.started.wait(WAIT)  # region 1 is running, held at the gate
    worker.submit(1, {2020})
    worker.submit(1, {2021})
    worker.submit(2, {2021})
    worker.submit(2, None)  # every year wins over any list of years
    worker.submit(2, {2018})
    gate.release()

    assert worker.wait_idle(WAIT)
    assert gate.calls == [(1, [2019]), (1, [2020, 2021]), (2, [])]
    assert worker.failures == 0


@pytest.mark.django_db
def test_a_change_marks_stale_only_the_verdicts_it_can_move(zhonglou, catalogue):
    from assessments import services as assessment_services

    from .snapshot_helpers import refresh, write_value

    write_value(zhonglou, STRAW, 2015, 90)
    for year in (2017, 2019, 2021, 2022):
        refresh(zhonglou, catalogue, year)

    with CaptureQueriesContext(connection) as queries:
        marked = assessment_services.mark_stale(zhonglou.pk, [2019])

    assert len(queries) == 1
    stale = AssessmentSnapshot.objects.filter(region=zhonglou, is_current=True, stale=True)
    assert marked == 2
    assert sorted(stale.values_list("year", flat=True)) == [2019, 2021]  # window of three years
    assert assessment_services.mark_stale(zhonglou.pk) == 4  # every year
