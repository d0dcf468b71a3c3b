"""A clerk's save with the broker down: the API PATCH of a draft value through the Django test
client, with the Celery broker and the Redis result backend at a closed port
(redis://127.0.0.1:1/0, not eager), against the same save with eager tasks (the recompute in
the request) and with the background thread (the recompute after the response). The save must
return and leave Zhonglou's verdicts marked stale; its extra time over a normal save must stay
well under a second (it was about 19 s while the result backend retried its reconnect).

    .venv/bin/python bench/bench_broker_down.py [--runs 10]
"""

from __future__ import annotations

import argparse
import logging
import time

from common import clerk_save, machine, report, setup, summary

CLOSED_PORT = "redis://127.0.0.1:1/0"


def broker_down(app) -> dict:
    """Point the Celery app at a closed port; returns what to put back."""
    fields = ("task_always_eager", "broker_url", "broker_write_url", "result_backend")
    saved = {name: app.conf.get(name) for name in fields}
    app.conf.task_always_eager = False
    app.conf.broker_url = app.conf.broker_write_url = CLOSED_PORT
    app.conf.result_backend = CLOSED_PORT
    _reset(app)
    return saved


def restore(app, saved: dict) -> None:
    for name, value in saved.items():
        app.conf[name] = value
    _reset(app)


def _reset(app) -> None:
    app.amqp._producer_pool = None
    app._pool = None
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    setup(2)
    # Each save logs the refused connection with its traceback; the figures are what matter.
    logging.getLogger("assessments.recompute").setLevel(logging.ERROR)

    from django.conf import settings

    from assessments import recompute
    from assessments.models import AssessmentSnapshot
    from zhonglou import celery_app

    save = clerk_save()

    def stale() -> bool:
        return AssessmentSnapshot.objects.filter(
            region__code="320404", is_current=True, stale=True
        ).exists()

    def measure(mode: str, expect_stale: bool) -> dict:
        settings.ASSESSMENT_RECOMPUTE = mode
        samples = []
        for run in range(args.runs + 1):  # the first run warms up
            recompute.background.wait_idle()
            start = time.perf_counter()
            save()
            if run:
                samples.append((time.perf_counter() - start) * 1000)
            recompute.background.wait_idle()
            assert stale() == expect_stale, f"{mode}: stale is {stale()}"
        return summary(samples)

    eager = measure("celery", expect_stale=False)
    thread = measure("thread", expect_stale=False)
    saved = broker_down(celery_app)
    try:
        down = measure("celery", expect_stale=True)
    finally:
        restore(celery_app, saved)

    print(machine())
    report(
        f"A clerk's save (API PATCH of a draft value), server side; closed port: {CLOSED_PORT}",
        [
            ("Celery eager: scoring in the request", eager),
            ("thread: scoring after the response", thread),
            ("broker and result backend at a closed port, not eager", down),
        ],
    )
    print(
        f"\nbroker-down extra time over eager tasks: {down['median'] - eager['median']:+.1f} ms"
        f" (medians); over the thread: {down['median'] - thread['median']:+.1f} ms;"
        f" worst broker-down save: {down['p95']:.1f} ms (p95)"
    )


if __name__ == "__main__":
    main()
