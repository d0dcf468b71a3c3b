"""Fixtures shared across the project's tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest

from tests.helpers import ROOT


@pytest.fixture
def celery_worker_process(settings):
    """A real ``celery worker`` process on the configured broker, listening on a queue of its
    own so that no other worker on the machine can take the test's tasks.

    Skips unless ``CELERY_BROKER_URL`` names a real broker (CI sets it to the local Redis).
    Yields the queue name; tasks sent while the fixture is active go through the broker.
    """
    from zhonglou import celery_app

    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker or broker.startswith("memory"):
        pytest.skip("set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run worker tests")
    queue = f"zhonglou-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhonglou.settings.test",
        "CELERY_TASK_DEFAULT_QUEUE": queue,  # what the worker queues itself stays on its queue
    }
    env.update(_test_database_env())
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "zhonglou",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    old = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        _wait_until_ready(celery_app, queue, worker)
        yield queue
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = old
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        _delete_queue(celery_app, queue)
        sys.stdout.write(output[-4000:])


def _delete_queue(app, queue: str) -> None:
    """Leave nothing of the test's queue on the shared broker."""
    try:
        with app.connection_for_write() as conn:
            channel = conn.default_channel
            channel.queue_delete(queue)
            channel.exchange_delete(queue)
            if hasattr(channel, "client"):  # Redis keeps the bindings under these keys
                channel.client.delete(
                    f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
                )
    except Exception:  # the broker went away: nothing left to clean
        pass


def _test_database_env() -> dict[str, str]:
    """Point the worker at the database this test uses (PostgreSQL only: an in-memory SQLite
    database cannot be shared with another process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return {"DATABASE_URL": f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"}


def _wait_until_ready(app, queue: str, worker: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"celery worker exited early:\n{worker.stdout.read()}")
        replies = app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1)
        if replies:
            return
    raise RuntimeError("celery worker did not answer a ping within a minute")
