import uuid

import pytest

from zhonglou.celery import ping

pytestmark = pytest.mark.worker


def test_task_round_trip_through_a_real_worker(celery_worker_process):
    token = uuid.uuid4().hex
    result = ping.delay(token).get(timeout=30)
    assert result["pong"] == token
    assert result["worker"].startswith(celery_worker_process)


def test_eager_mode_runs_in_process_without_a_broker(settings):
    result = ping.delay("local")
    assert result.get(timeout=1)["pong"] == "local"
