"""Fixtures of the dossier's tests: the demo with its evidence in a temporary media folder."""

from __future__ import annotations

import pytest


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(media, zhonglou_demo):
    """Zhonglou's report figures, approved, with the demo's evidence files under ``media``."""
    return zhonglou_demo
