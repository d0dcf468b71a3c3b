"""Celery tasks: thin, idempotent, take ids, call services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from assessments import services
from indicators.models import IndicatorValue


# Nobody reads a recompute's result (it lands in the snapshots): with ``ignore_result`` the
# publish after a write never touches the result backend, whose reconnect loop would otherwise
# hold the request for about 19 s when Redis is down.
@shared_task(
    name="assessments.recompute_region",
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def recompute_region(region_id: int, years: list[int]) -> int:
    """Recompute the snapshots a change to ``years`` of a region can move (all years when
    empty). Safe to run twice: unchanged inputs write nothing."""
    return services.region_recompute(region_id=region_id, years=years, now=timezone.now())


@shared_task(name="assessments.recompute_all", ignore_result=True)
def recompute_all(batch_size: int | None = None) -> int:
    """Nightly: queue every region that has data, in batches, so that stale snapshots (for
    example after a broker outage) come back."""
    size = batch_size or settings.ASSESSMENT_BATCH_SIZE
    region_ids = list(
        IndicatorValue.objects.order_by().values_list("region_id", flat=True).distinct()
    )
    for start in range(0, len(region_ids), size):
        recompute_batch.delay(region_ids[start : start + size])
    return len(region_ids)


@shared_task(
    name="assessments.recompute_batch",
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
)
def recompute_batch(region_ids: list[int]) -> int:
    """Recompute every tracked snapshot of a batch of regions together: their inputs are
    built and their snapshots written in bulk (queries per batch, not per region)."""
    return services.regions_recompute(region_ids=region_ids, now=timezone.now())
