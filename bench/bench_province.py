"""A province on one instance (issue 17): batch scoring against one SQL fetch of the same
values, the nightly recompute, the scorecard API against /healthz on a gunicorn server, and
the admin value list and the comparison page at 10 and 100 regions.

    .venv/bin/python bench/bench_province.py [--regions 100] [--small 10] [--requests 200]

Prints, among its figures, the lines the issue names:
``score/sql ratio``, ``scorecard/healthz ratio``, ``scorecard/healthz ratio 8 concurrent``,
``nightly N regions: S s, Q queries``, ``admin value list …`` and ``comparison page …``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from common import ROOT, machine, setup, timed

YEARS = tuple(range(2012, 2022))  # ten years of values
YEAR = 2021
CONCURRENCY = 8


def _regions_with_data():
    from indicators.models import IndicatorValue, Region

    return list(
        Region.objects.filter(pk__in=IndicatorValue.objects.values("region")).order_by("code")
    )


def grow(total: int, admin) -> None:
    """Zhonglou and synthetic districts with ten years of values, ``total`` regions in all."""
    from demo.synthetic import create_synthetic_regions

    create_synthetic_regions(count=total - 1, actor=admin, years=YEARS)
    settle()


def settle() -> None:
    """What autovacuum does some time after a bulk load (planner statistics, visibility map):
    the pages are measured as they run on a settled database, not on one loaded a second ago."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def nightly(batch_size: int) -> tuple[float, int, int]:
    """The nightly run: every region with data, in batches, as the Celery batches run it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from assessments import services

    ids = [r.pk for r in _regions_with_data()]
    start = time.perf_counter()
    count = 0
    with CaptureQueriesContext(connection) as queries:
        for first in range(0, len(ids), batch_size):
            count += services.regions_recompute(
                region_ids=ids[first : first + batch_size], now=timezone.now()
            )
    return time.perf_counter() - start, len(queries), count


def pages(admin, city_leader) -> tuple[float, float]:
    """Median milliseconds of the admin value list (as the administrator) and of the
    comparison page (as the city's leader)."""
    from django.test import Client

    admin_client = Client(HTTP_HOST="localhost")
    admin_client.force_login(admin)
    leader_client = Client(HTTP_HOST="localhost")
    leader_client.force_login(city_leader)

    def get(client, url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return run

    admin_list = timed(get(admin_client, "/admin/indicators/indicatorvalue/"), repeat=7)
    compare = timed(get(leader_client, "/compare/"), repeat=7)
    return admin_list["median"], compare["median"]


def score_vs_sql() -> tuple[float, float, int]:
    """Build the inputs of every region with data for the national edition and one year and
    run the engine on them, against fetching the same value rows with one SQL query."""
    from django.db import connection

    from assessments.inputs import build_inputs_batch
    from assessments.scoring import assess
    from indicators.models import FrameworkEdition, Indicator, IndicatorValue

    regions = _regions_with_data()
    national = FrameworkEdition.objects.get(code="national-2019")

    def build():
        return build_inputs_batch(regions, national, {r.pk: [YEAR] for r in regions}, ["official"])

    def score():
        for inp in build().values():
            assess(inp)

    built = build()

    def engine():
        for inp in built.values():
            assess(inp)

    elements = set(
        Indicator.objects.filter(edition=national, data_element__isnull=False).values_list(
            "data_element_id", flat=True
        )
    )
    elements |= set(
        Indicator.inputs.through.objects.filter(indicator__edition=national).values_list(
            "dataelement_id", flat=True
        )
    )
    rows = IndicatorValue.objects.filter(
        region__in=[r.pk for r in regions], data_element_id__in=elements, year__in=YEARS
    ).values_list("region_id", "data_element_id", "year", "status", "value", "answer", "source")
    sql, params = rows.query.sql_with_params()

    def fetch():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    scored = timed(score, repeat=5, warmup=1)
    fetched = timed(fetch, repeat=20, warmup=2)
    # The engine alone in CPU seconds of this process (the least of several runs): what
    # another process on the machine does moves it least.
    engine_cpu = min(_cpu_ms(engine) for _ in range(7))
    return scored["median"], fetched["median"], len(fetch()), engine_cpu


def _cpu_ms(fn) -> float:
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000


# --- gunicorn ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": "localhost", **headers})
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 200, (path, response.status)
    return (time.perf_counter() - start) * 1000


def _p50(port, path, headers, n, concurrency=1) -> float:
    for _ in range(10):  # warm: each worker renders and stores the bytes once
        _get(port, path, headers)
    if concurrency == 1:
        return statistics.median(_get(port, path, headers) for _ in range(n))
    with ThreadPoolExecutor(concurrency) as pool:
        samples = list(pool.map(lambda _i: _get(port, path, headers), range(n)))
    return statistics.median(samples)


def scorecard_vs_healthz(requests: int) -> dict[str, float]:
    """p50 of the scorecard API (with an API key) and of /healthz (database ping only: tasks
    are eager here) on the same gunicorn server, sequential and 8 concurrent."""
    from accounts.api_keys import new_key
    from accounts.models import ApiKey, User

    key, prefix, digest = new_key()
    ApiKey.objects.create(
        name="bench-province",
        owner=User.objects.get(username="admin"),
        prefix=prefix,
        key_hash=digest,
    )
    port = _free_port()
    env = {**os.environ, "API_KEY_RATE": "1000000/hour", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "zhonglou.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                _get(port, "/healthz", {})
                break
            except (OSError, AssertionError):
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
        scorecard = "/api/v1/regions/320404/scorecard/"
        auth = {"X-API-Key": key}
        out = {}
        for label, concurrency in (("sequential", 1), ("8 concurrent", CONCURRENCY)):
            out[f"healthz {label}"] = _p50(port, "/healthz", {}, requests, concurrency)
            out[f"scorecard {label}"] = _p50(port, scorecard, auth, requests, concurrency)
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=100)
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    setup(0)

    from django.conf import settings

    from accounts.models import User
    from indicators.models import Region
    from tests.factories import UserFactory

    admin = User.objects.get(username="admin")
    city_leader = UserFactory(
        username="bench-city-leader", role="leader", region=Region.objects.get(code="320400")
    )
    batch = settings.ASSESSMENT_BATCH_SIZE
    lines = []

    grow(args.small, admin)
    nightly(batch)
    settle()
    admin_small, compare_small = pages(admin, city_leader)

    grow(args.regions, admin)
    regions = len(_regions_with_data())
    first_seconds, first_queries, stored = nightly(batch)  # every snapshot written
    settle()
    seconds, queries, _confirmed = nightly(batch)  # as most nights: inputs unchanged
    admin_large, compare_large = pages(admin, city_leader)
    score_ms, sql_ms, rows, engine_ms = score_vs_sql()
    http = scorecard_vs_healthz(args.requests)

    print(machine())
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    print(f"regions with data: {regions}; value rows for the national edition: {rows}")
    print(f"score {regions} regions (inputs + engine): {score_ms:.0f} ms; SQL: {sql_ms:.1f} ms")
    print(f"engine alone, {regions} regions (assess, CPU time, least of 7): {engine_ms:.0f} ms")
    for name, ms in http.items():
        print(f"p50 {name}: {ms:.2f} ms")
    print(
        f"nightly snapshots: {stored} (batches of {batch}); first run, every one written: "
        f"{first_seconds:.1f} s, {first_queries} queries; below: inputs unchanged"
    )
    print()
    lines.append(f"score/sql ratio: {score_ms / sql_ms:.2f}")
    lines.append(
        f"scorecard/healthz ratio: {http['scorecard sequential'] / http['healthz sequential']:.2f}"
    )
    lines.append(
        "scorecard/healthz ratio 8 concurrent: "
        f"{http['scorecard 8 concurrent'] / http['healthz 8 concurrent']:.2f}"
    )
    lines.append(f"nightly {regions} regions: {seconds:.1f} s, {queries} queries")
    lines.append(
        f"admin value list {args.small} → {regions} regions: "
        f"{admin_small:.0f} → {admin_large:.0f} ms ({admin_large / admin_small:.2f}×)"
    )
    lines.append(
        f"comparison page {args.small} → {regions} regions: "
        f"{compare_small:.0f} → {compare_large:.0f} ms ({compare_large / compare_small:.2f}×)"
    )
    print("\n".join(lines))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
