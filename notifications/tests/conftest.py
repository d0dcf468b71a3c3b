"""Fixtures of the notifications tests: the real worker (for the worker-marked tests)."""

from assessments.tests.test_worker_recompute import (  # noqa: F401 (fixtures)
    shared_database,
    worker_queue,
)
from tests.conftest import celery_worker_process  # noqa: F401
