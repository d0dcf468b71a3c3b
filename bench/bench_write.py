"""A clerk's save on the embedded default (SQLite, no broker), seen from the server: the API
PATCH of a draft value through the Django test client, with the recompute of Zhonglou's
verdicts run as before this change (Celery eager, in the request), inline, and in the
background thread (the default now). For the thread, also the time until the stored verdict
is fresh again (the save plus its background recompute).

    .venv/bin/python bench/bench_write.py [--runs 10]
"""

from __future__ import annotations

import argparse
import time

from common import clerk_save, machine, report, setup, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    setup(2)

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments import recompute
    from assessments.models import AssessmentSnapshot

    save = clerk_save()

    def measure(mode: str) -> tuple[dict, dict, int]:
        settings.ASSESSMENT_RECOMPUTE = mode
        saves, fresh = [], []
        for run in range(args.runs + 1):  # the first run warms up
            recompute.background.wait_idle()  # each save starts with the thread idle
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                save()
            returned = time.perf_counter()
            recompute.background.wait_idle()
            done = time.perf_counter()
            assert not AssessmentSnapshot.objects.filter(
                region__code="320404", is_current=True, stale=True
            ).exists(), "a verdict was left stale"
            if run:
                saves.append((returned - start) * 1000)
                fresh.append((done - start) * 1000)
        return summary(saves), summary(fresh), len(queries)

    eager, _, eager_queries = measure("celery")
    inline, _, inline_queries = measure("inline")
    thread, thread_fresh, thread_queries = measure("thread")
    print(machine())
    snapshots = AssessmentSnapshot.objects.filter(region__code="320404", is_current=True).count()
    print(f"Zhonglou: {snapshots} current snapshots (editions × years × modes)")
    report(
        "A clerk's save (API PATCH of a draft value), server side, SQLite, no broker",
        [
            (f"before: Celery eager, scoring in the request ({eager_queries} q)", eager),
            (f"inline: scoring in the request ({inline_queries} q)", inline),
            (f"thread: the save returns ({thread_queries} q)", thread),
            ("thread: the save until its verdicts are stored again", thread_fresh),
        ],
    )
    print(f"\nspeed-up of the save: {eager['median'] / thread['median']:.0f}× (medians)")


if __name__ == "__main__":
    main()
