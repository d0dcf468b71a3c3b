"""Shared helpers for tests that run the project in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, env: dict[str, str] | None = None, timeout: int = 60):
    """Run ``manage.py`` in a fresh interpreter so that settings are parsed from scratch."""
    child_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhonglou.settings.test", **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
