"""The recompute fixtures of the assessments tests (the demo is scored like any region)."""

from assessments.tests.conftest import (  # noqa: F401
    _no_pending_recompute,
    committed,
    queued,
)
