"""What the benchmarks share: a fresh database with the shipped catalogue, Zhonglou's demo data
and synthetic districts, timing, and a description of the machine. Not tests: each benchmark
prints its figures."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(synthetic_regions: int = 20) -> None:
    """Configure Django on a throw-away database (BENCH_DATABASE_URL, else a temporary SQLite
    file) and fill it."""
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='zhonglou-bench-')}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhonglou.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import User
    from demo.seed import ensure_demo_users, load_demo_values
    from demo.synthetic import create_synthetic_regions
    from indicators.reference import load_reference_data

    load_reference_data()
    ensure_demo_users()
    admin = User.objects.get(username="admin")
    load_demo_values(admin)
    create_synthetic_regions(count=synthetic_regions, actor=admin)


def machine() -> str:
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "select sqlite_version()" if connection.vendor == "sqlite" else "show server_version"
        )
        db_version = cursor.fetchone()[0]
    return (
        f"machine: {platform.node()} · {platform.machine()} · {os.cpu_count()} CPUs · "
        f"{platform.platform()}\n"
        f"python {platform.python_version()} · Django {get_version()} · "
        f"database {connection.vendor} {db_version}"
    )


def timed(fn: Callable[[], object], repeat: int = 20, warmup: int = 2) -> dict[str, float]:
    """Wall-clock milliseconds over ``repeat`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return summary(samples)


def summary(samples: list[float]) -> dict[str, float]:
    """Min, median and p95 of milliseconds measured by the caller."""
    samples = sorted(samples)
    repeat = len(samples)
    return {
        "min": samples[0],
        "median": statistics.median(samples),
        "p95": samples[max(0, int(len(samples) * 0.95) - 1)],
        "runs": repeat,
    }


def report(title: str, rows: list[tuple[str, dict[str, float]]]) -> None:
    print(f"\n{title}")
    print(f"{'what':<58}{'min ms':>10}{'median ms':>12}{'p95 ms':>10}{'runs':>6}")
    for name, t in rows:
        print(f"{name:<58}{t['min']:>10.1f}{t['median']:>12.1f}{t['p95']:>10.1f}{t['runs']:>6}")


def clerk_save() -> Callable[[], None]:
    """A save as the housing bureau's clerk makes it on the demo (API PATCH of 29, urban
    sewage treatment, 2021): creates the draft, then returns a function that saves it again
    with a changed value each call (90, 91, 90…), so that every save moves the inputs."""
    from django.test import Client

    from accounts.models import User

    clerk = User.objects.get(username="zl-housing")  # leads urban_sewage_treatment_rate (29)
    client = Client(HTTP_HOST="localhost")
    client.force_login(clerk)
    created = client.post(
        "/api/v1/values/",
        {
            "region": "320404",
            "data_element": "urban_sewage_treatment_rate",
            "year": 2021,
            "value": "90",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    url = f"/api/v1/values/{created.json()['id']}/"
    state = {"version": created.json()["version"], "value": 90}

    def save() -> None:
        state["value"] = 181 - state["value"]
        response = client.patch(
            url,
            {"value": str(state["value"]), "version": state["version"]},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        state["version"] = response.json()["version"]

    return save
