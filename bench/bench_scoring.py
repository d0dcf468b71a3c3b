"""How long scoring takes: building the input, the pure engine, a snapshot refresh with and
without changed inputs, a whole region's refresh, and the nightly run over many regions.

    .venv/bin/python bench/bench_scoring.py [--regions 20]
"""

from __future__ import annotations

import argparse
from decimal import Decimal

from common import machine, report, setup, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=20)
    args = parser.parse_args()
    setup(args.regions)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from assessments.inputs import build_input
    from assessments.models import AssessmentSnapshot
    from assessments.scoring import assess, fingerprint
    from assessments.services import region_refresh, snapshot_refresh
    from indicators.models import IndicatorValue, Region

    zhonglou = Region.objects.get(code="320404")
    edition = zhonglou.edition
    inp = build_input(zhonglou, edition, 2021, "official")
    now = timezone.now()

    def refresh():
        return snapshot_refresh(
            region=zhonglou, edition=edition, year=2021, mode="official", now=now
        )

    refresh()
    with CaptureQueriesContext(connection) as queries:
        refresh()
    value = IndicatorValue.objects.filter(
        region=zhonglou, data_element__key="straw_utilization_rate", year=2021
    )
    toggle = iter(range(10**6))

    def changed_refresh():
        # A new figure each time, so the snapshot is recomputed and a row written.
        value.update(value=Decimal("90") + Decimal(next(toggle) % 10))
        refresh()

    regions = list(Region.objects.filter(synthetic=True))
    rows = [
        (
            "build_input (DB → plain data), one region-year",
            timed(lambda: build_input(zhonglou, edition, 2021, "official")),
        ),
        ("assess (pure engine), one region-year", timed(lambda: assess(inp), repeat=200)),
        ("fingerprint of the input", timed(lambda: fingerprint(inp), repeat=200)),
        ("snapshot_refresh, inputs unchanged (no write)", timed(refresh)),
        ("snapshot_refresh, inputs changed (new row)", timed(changed_refresh)),
        (
            "region_refresh: 2 editions × 3 years × 2 modes",
            timed(lambda: region_refresh(region=zhonglou, years=[], now=now), repeat=5),
        ),
        (
            f"nightly: region_refresh over {len(regions)} synthetic regions",
            timed(
                lambda: [region_refresh(region=r, years=[], now=now) for r in regions],
                repeat=1,
                warmup=0,
            ),
        ),
    ]
    print(machine())
    print(f"queries for one unchanged snapshot_refresh: {len(queries.captured_queries)}")
    print(f"snapshots stored: {AssessmentSnapshot.objects.count()}")
    report("scoring", rows)


if __name__ == "__main__":
    main()
