"""Every change that scoring reads queues a recompute when its transaction commits, one task
per region however many values the transaction touched; the task is safe to run twice."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from assessments.models import AssessmentSnapshot
from assessments.tasks import recompute_region
from indicators import services
from indicators.choices import ValueKind, ValueStatus
from indicators.models import DataElement, Indicator, IndicatorValue

from .snapshot_helpers import PM25, STRAW, current, element, indicator, write_value

pytestmark = pytest.mark.django_db


def submitted(clerk, region, key: str, year: int, value) -> IndicatorValue:
    saved = services.value_save(
        actor=clerk, region=region, data_element=element(key), year=year, value=Decimal(value)
    ).value
    return services.value_submit(value=saved, actor=clerk)


def approved(clerk, reviewer, region, key: str, year: int, value) -> IndicatorValue:
    return services.value_approve(value=submitted(clerk, region, key, year, value), actor=reviewer)


# Each trigger: set-up done before the transaction under test, and the write it commits.
def _approve(region, clerk, reviewer):
    value = submitted(clerk, region, STRAW, 2021, "97")
    return lambda: services.value_approve(value=value, actor=reviewer)


def _return(region, clerk, reviewer):
    value = submitted(clerk, region, STRAW, 2021, "97")
    return lambda: services.value_return(value=value, actor=reviewer, reason="Wrong table.")


def _reopen(region, clerk, reviewer):
    value = approved(clerk, reviewer, region, STRAW, 2021, "97")
    return lambda: services.value_reopen(value=value, actor=reviewer, reason="Revised census.")


def _assigned_target(region, clerk, reviewer):
    return lambda: services.assigned_target_set(
        actor=reviewer, region=region, data_element=element(PM25), year=2021, target=Decimal(40)
    )


def _declaration(region, clerk, reviewer):
    manure = Indicator.objects.get(edition__code="jiangsu-county-2019", code="25.2")
    declaration = services.declaration_propose(
        actor=reviewer, region=region, indicator=manure, reason="No livestock farming."
    )
    return lambda: services.declaration_approve(actor=reviewer, declaration=declaration)


def _veto_event(region, clerk, reviewer):
    return lambda: services.veto_event_save(
        actor=reviewer,
        region=region,
        date=datetime.date(2020, 6, 1),
        kind="major_incident",
        description="Chemical spill into the canal.",
    )


def _year_lock(region, clerk, reviewer):
    return lambda: services.year_lock(actor=reviewer, region=region, year=2021)


@pytest.mark.parametrize(
    "trigger, years",
    [
        (_approve, [2021]),
        (_return, [2021]),
        (_reopen, [2021]),
        (_assigned_target, [2021]),
        (_declaration, []),  # a declaration holds for every year
        (_veto_event, [2019, 2020]),  # 2020 is the application year of 2019's assessment
        (_year_lock, [2021]),
    ],
    ids=lambda p: p.__name__.strip("_") if callable(p) else None,
)
def test_every_change_scoring_reads_queues_a_recompute_of_its_region(
    trigger, years, zhonglou, clerk_a, reviewer, queued, committed
):
    write = trigger(zhonglou, clerk_a, reviewer)

    with committed():
        write()

    assert queued.sent == [(zhonglou.pk, years)]


def test_the_recompute_is_queued_when_the_transaction_commits_not_before(
    zhonglou, clerk_a, reviewer, queued, django_capture_on_commit_callbacks
):
    value = submitted(clerk_a, zhonglou, STRAW, 2021, "97")
    queued.sent.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.value_approve(value=value, actor=reviewer)
    assert queued.sent == []
    for callback in callbacks:
        callback()

    assert queued.sent == [(zhonglou.pk, [2021])]


def test_a_write_that_is_rolled_back_queues_nothing(zhonglou, clerk_a, reviewer, queued, committed):
    value = submitted(clerk_a, zhonglou, STRAW, 2021, "97")

    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        services.value_approve(value=value, actor=reviewer)
        raise RuntimeError("the request failed after the approval")

    assert queued.sent == []
    assert IndicatorValue.objects.get(pk=value.pk).status == ValueStatus.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_is_not_recomputed_at_the_next_commit(
    zhonglou, tianning, clerk_a, reviewer, superuser, queued
):
    # Real transactions, as requests have them (no test transaction around them).
    value = submitted(clerk_a, zhonglou, STRAW, 2021, "97")
    queued.sent.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.value_approve(value=value, actor=reviewer)
        raise RuntimeError("the request failed after the approval")

    services.year_lock(actor=superuser, region=tianning, year=2021)

    assert queued.sent == [(tianning.pk, [2021])]


def _numeric_elements(count: int) -> list[DataElement]:
    elements = DataElement.objects.exclude(value_kind=ValueKind.BOOLEAN).order_by("key")
    return list(elements[:count])


def test_a_bulk_approval_of_40_values_queues_one_recompute_per_region(
    zhonglou, tianning, superuser, queued, committed
):
    values = [
        write_value(zhonglou, e.key, year, 50, status=ValueStatus.SUBMITTED)
        for e in _numeric_elements(20)
        for year in (2020, 2021)
    ]
    values += [
        write_value(tianning, e.key, 2019, 50, status=ValueStatus.SUBMITTED)
        for e in _numeric_elements(3)
    ]

    with committed():
        done = services.values_bulk(services.value_approve, values, actor=superuser)

    assert done == 43
    assert sorted(queued.sent) == sorted([(zhonglou.pk, [2020, 2021]), (tianning.pk, [2019])])
    assert IndicatorValue.objects.filter(status=ValueStatus.APPROVED).count() == 43


def test_several_writes_in_one_transaction_queue_one_recompute_with_every_year(
    zhonglou, clerk_a, reviewer, queued, committed
):
    first = submitted(clerk_a, zhonglou, STRAW, 2020, "95")
    second = submitted(clerk_a, zhonglou, STRAW, 2021, "97")

    with committed(), transaction.atomic():
        services.value_approve(value=first, actor=reviewer)
        services.value_approve(value=second, actor=reviewer)
        services.year_lock(actor=reviewer, region=zhonglou, year=2019)

    assert queued.sent == [(zhonglou.pk, [2019, 2020, 2021])]


def test_an_every_year_change_widens_the_whole_transaction_to_every_year(
    zhonglou, clerk_a, reviewer, queued, committed
):
    value = submitted(clerk_a, zhonglou, STRAW, 2021, "97")
    manure = Indicator.objects.get(edition__code="jiangsu-county-2019", code="25.2")

    with committed(), transaction.atomic():
        services.value_approve(value=value, actor=reviewer)
        services.declaration_propose(
            actor=reviewer, region=zhonglou, indicator=manure, reason="No livestock farming."
        )
        services.year_lock(actor=reviewer, region=zhonglou, year=2021)

    assert queued.sent == [(zhonglou.pk, [])]


def test_a_committed_approval_recomputes_the_snapshot_in_process(
    zhonglou, catalogue, clerk_a, reviewer, committed
):
    value = submitted(clerk_a, zhonglou, STRAW, 2021, "97")
    assert not AssessmentSnapshot.objects.exists()

    with committed():
        services.value_approve(value=value, actor=reviewer)

    snapshot = current(zhonglou, catalogue, 2021, "official")
    assert indicator(snapshot, "25.1")["status"] == "met"
    assert indicator(snapshot, "25.1")["value_text"] == "97%"
    # Both editions in force, both modes, the one year with data.
    assert AssessmentSnapshot.objects.filter(region=zhonglou, is_current=True).count() == 4


def test_a_committed_reopen_takes_the_value_out_of_the_official_verdict(
    zhonglou, catalogue, clerk_a, reviewer, committed
):
    value = approved(clerk_a, reviewer, zhonglou, STRAW, 2021, "97")
    with committed():
        services.year_lock(actor=reviewer, region=zhonglou, year=2020)  # any change
    assert indicator(current(zhonglou, catalogue), "25.1")["status"] == "met"

    with committed():
        services.value_reopen(value=value, actor=reviewer, reason="Revised census.")

    snapshot = current(zhonglou, catalogue)
    # Reopened, the value is back with its department: missing, not pending review.
    assert indicator(snapshot, "25.1")["status"] == "missing"
    assert "25.1 met → missing" in snapshot.change_note


def test_a_committed_veto_event_makes_the_region_not_eligible(
    zhonglou, catalogue, reviewer, committed
):
    write_value(zhonglou, STRAW, 2021, 97)

    with committed():
        services.veto_event_save(
            actor=reviewer,
            region=zhonglou,
            date=datetime.date(2020, 6, 1),
            kind="major_incident",
            description="Chemical spill into the canal.",
        )

    snapshot = current(zhonglou, catalogue)
    assert snapshot.verdict == "not_eligible"
    assert [e["date"] for e in snapshot.result["veto_events"]] == ["2020-06-01"]


def test_the_recompute_task_is_safe_to_run_twice(zhonglou, catalogue):
    write_value(zhonglou, STRAW, 2021, 97)

    first = recompute_region.apply(args=[zhonglou.pk, [2021]]).get()
    rows = list(AssessmentSnapshot.objects.order_by("pk").values_list("pk", "is_current"))
    second = recompute_region.apply(args=[zhonglou.pk, [2021]]).get()

    assert first == second == 4  # 2 editions × 1 year × 2 modes, written then confirmed
    assert list(AssessmentSnapshot.objects.order_by("pk").values_list("pk", "is_current")) == rows


def test_the_recompute_task_of_a_region_that_is_gone_does_nothing(catalogue):
    assert recompute_region.apply(args=[987654, [2021]]).get() == 0
