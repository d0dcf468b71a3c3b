"""A broker outage: the write stands, the stored verdicts are marked stale, and the nightly
run (or the next change) brings them back."""

from __future__ import annotations

from decimal import Decimal

import pytest
import redis
from celery.schedules import crontab
from django.conf import settings as django_settings

from assessments import services as assessment_services
from assessments import tasks
from assessments.models import AssessmentSnapshot
from indicators import services
from indicators.choices import ValueStatus
from indicators.models import IndicatorValue, Region
from zhonglou import celery_app

from .snapshot_helpers import FILM, STRAW, current, element, indicator, refresh, write_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_approval(zhonglou, catalogue, clerk_a):
    """A submitted straw figure, and the verdicts stored before it is approved."""
    saved = services.value_save(
        actor=clerk_a,
        region=zhonglou,
        data_element=element(STRAW),
        year=2021,
        value=Decimal(97),
    ).value
    value = services.value_submit(value=saved, actor=clerk_a)
    tasks.recompute_region.apply(args=[zhonglou.pk, []]).get()
    return value


class UnreachableBroker:
    """Points the Celery app at a port where nothing listens, failing fast; ``restore`` puts
    the test configuration (eager, the configured broker) back."""

    URL = "redis://127.0.0.1:1/0"
    FIELDS = (
        "task_always_eager",
        "broker_url",
        "broker_write_url",
        "broker_transport_options",
        "result_backend",
    )

    def __init__(self):
        conf = celery_app.conf
        self.saved = {name: conf.get(name) for name in self.FIELDS}
        conf.task_always_eager = False
        conf.broker_url = self.URL
        # The write URL wins over broker_url when CELERY_BROKER_URL is in the environment.
        conf.broker_write_url = self.URL
        conf.broker_transport_options = {"max_retries": 0}  # one refused connection is enough
        self._reset_pools()

    def with_result_backend(self):
        """Also the Redis result backend of a production deployment, down with the broker."""
        celery_app.conf.result_backend = self.URL
        self._reset_pools()
        return self

    @staticmethod
    def in_use() -> bool:
        with celery_app.connection_for_write() as connection:
            return (connection.hostname, connection.port) == ("127.0.0.1", 1)

    def restore(self):
        for name, value in self.saved.items():
            celery_app.conf[name] = value
        self._reset_pools()

    @staticmethod
    def _reset_pools():
        # The app keeps pools of connections to the broker it first talked to.
        celery_app.amqp._producer_pool = None
        celery_app._pool = None
        celery_app._backend_cache = None
        if hasattr(celery_app._local, "backend"):
            del celery_app._local.backend


@pytest.fixture
def unreachable_broker():
    broker = UnreachableBroker()
    try:
        assert broker.in_use(), "the test would have sent its tasks to a real broker"
        yield broker
    finally:
        broker.restore()


@pytest.fixture
def connection_attempts(monkeypatch):
    """Counts the TCP connections opened to Redis (broker and result backend alike)."""
    attempts = []
    connect = redis.connection.Connection._connect

    def counting(self):
        attempts.append((self.host, self.port))
        return connect(self)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counting)
    return attempts


def _stale(region: Region) -> set[bool]:
    return set(
        AssessmentSnapshot.objects.filter(region=region, is_current=True).values_list(
            "stale", flat=True
        )
    )


def test_with_the_broker_down_the_approval_stands_and_verdicts_are_marked_stale(
    zhonglou, tianning, catalogue, reviewer, pending_approval, queued, committed
):
    neighbour = refresh(tianning, catalogue)
    queued.down = True

    with committed():
        services.value_approve(value=pending_approval, actor=reviewer)

    assert IndicatorValue.objects.get(pk=pending_approval.pk).status == ValueStatus.APPROVED
    assert _stale(zhonglou) == {True}
    assert AssessmentSnapshot.objects.filter(region=zhonglou, is_current=True).count() == 4
    neighbour.refresh_from_db()
    assert not neighbour.stale


def test_with_a_real_unreachable_broker_the_approval_stands_and_verdicts_go_stale(
    zhonglou, catalogue, reviewer, pending_approval, committed, unreachable_broker
):
    with committed():
        services.value_approve(value=pending_approval, actor=reviewer)

    assert IndicatorValue.objects.get(pk=pending_approval.pk).status == ValueStatus.APPROVED
    assert _stale(zhonglou) == {True}

    unreachable_broker.restore()
    assert tasks.recompute_all.apply().get() == 1

    assert _stale(zhonglou) == {False}
    assert indicator(current(zhonglou, catalogue), "25.1")["status"] == "met"


def test_with_broker_and_result_backend_down_a_write_makes_no_retry_and_marks_stale(
    zhonglou,
    catalogue,
    reviewer,
    pending_approval,
    committed,
    unreachable_broker,
    connection_attempts,
):
    """Publishing the recompute used to subscribe to its result first, and the Redis result
    backend retried its reconnect for about 19 s inside the request. The recompute's result
    is ignored now: one refused connection to the broker, no backend retry loop."""
    unreachable_broker.with_result_backend()
    assert celery_app.backend.url.endswith("127.0.0.1:1/0")

    with committed():
        services.value_approve(value=pending_approval, actor=reviewer)

    assert IndicatorValue.objects.get(pk=pending_approval.pk).status == ValueStatus.APPROVED
    assert _stale(zhonglou) == {True}
    assert tasks.recompute_region.ignore_result
    # The recompute's publish and the notifications' (one task for the approval's
    # deliveries), neither retried.
    assert 1 <= len(connection_attempts) <= 4, connection_attempts


def test_the_nightly_run_brings_stale_verdicts_back(
    zhonglou, catalogue, reviewer, pending_approval, queued, committed
):
    before = current(zhonglou, catalogue)
    assert indicator(before, "25.1")["status"] == "pending"
    queued.down = True
    with committed():
        services.value_approve(value=pending_approval, actor=reviewer)

    tasks.recompute_all.apply().get()

    assert _stale(zhonglou) == {False}
    after = current(zhonglou, catalogue)
    assert indicator(after, "25.1")["status"] == "met"
    assert after.pk != before.pk
    assert "25.1 pending → met" in after.change_note


def test_the_next_change_brings_stale_verdicts_back(
    zhonglou, catalogue, clerk_a, reviewer, pending_approval, queued, committed
):
    queued.down = True
    with committed():
        services.value_approve(value=pending_approval, actor=reviewer)
    film = services.value_save(
        actor=clerk_a, region=zhonglou, data_element=element(FILM), year=2021, value=Decimal(88)
    ).value
    queued.down, queued.run = False, True  # the broker is back

    with committed():
        services.value_submit(value=film, actor=clerk_a)

    assert queued.sent == [(zhonglou.pk, [2021])]
    assert _stale(zhonglou) == {False}
    assert indicator(current(zhonglou, catalogue), "25.1")["status"] == "met"
    assert indicator(current(zhonglou, catalogue, mode="provisional"), "25.3")["status"] == "met"


def test_the_nightly_run_clears_stale_verdicts_of_years_after_the_last_data_year(
    zhonglou, catalogue
):
    write_value(zhonglou, STRAW, 2021, 97)
    ahead = refresh(zhonglou, catalogue, 2022)
    tasks.recompute_region.apply(args=[zhonglou.pk, []]).get()
    assessment_services.mark_stale(zhonglou.pk)

    tasks.recompute_all.apply().get()

    ahead.refresh_from_db()
    assert ahead.is_current and not ahead.stale
    assert _stale(zhonglou) == {False}


def test_the_nightly_run_recomputes_every_region_with_data_in_batches(
    zhonglou, tianning, catalogue, monkeypatch, settings
):
    third = Region.objects.get(code="320411")
    for region in (zhonglou, tianning, third):
        write_value(region, STRAW, 2021, 97)
    batches = []
    send = tasks.recompute_batch.delay
    monkeypatch.setattr(
        tasks.recompute_batch, "delay", lambda ids: batches.append(ids) or send(ids)
    )
    settings.ASSESSMENT_BATCH_SIZE = 2

    assert tasks.recompute_all.apply().get() == 3

    assert sorted(len(batch) for batch in batches) == [1, 2]
    regions = (zhonglou, tianning, third)
    assert sorted(pk for batch in batches for pk in batch) == sorted(r.pk for r in regions)
    for region in regions:
        assert indicator(current(region, catalogue), "25.1")["status"] == "met"


def test_the_nightly_run_twice_writes_nothing_new(zhonglou, tianning, catalogue):
    write_value(zhonglou, STRAW, 2021, 97)
    write_value(tianning, STRAW, 2020, 80)
    tasks.recompute_all.apply().get()
    rows = list(AssessmentSnapshot.objects.order_by("pk").values_list("pk", "is_current"))

    tasks.recompute_all.apply(kwargs={"batch_size": 1}).get()

    assert (
        rows
        and list(AssessmentSnapshot.objects.order_by("pk").values_list("pk", "is_current")) == rows
    )


def test_the_nightly_run_is_in_the_beat_schedule():
    schedule = django_settings.CELERY_BEAT_SCHEDULE.values()
    nightly = [entry for entry in schedule if entry["task"] == "assessments.recompute_all"]

    assert len(nightly) == 1
    assert nightly[0]["schedule"] == crontab(hour=2, minute=30)
    assert celery_app.conf.beat_schedule == django_settings.CELERY_BEAT_SCHEDULE
    assert "assessments.recompute_all" in celery_app.tasks
