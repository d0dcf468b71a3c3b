"""The reference data that ships with the product: both framework editions and Changzhou's
regions, departments and responsibility matrix."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from indicators.loaders import frameworks, regions

FRAMEWORK_FILES = ["data/frameworks/jiangsu-county-2019.yaml", "data/frameworks/national-2019.yaml"]
REGION_FILES = ["data/regions/changzhou.yaml"]
ZHONGLOU = "320404"


def load_reference_data() -> list[str]:
    """Load (or leave unchanged) the shipped editions and regions; returns what happened."""
    base = settings.BASE_DIR
    lines = [
        f"{r.code}: {r.outcome} ({r.indicators} indicators)"
        for r in frameworks.load_files([base / f for f in FRAMEWORK_FILES], now=timezone.now())
    ]
    for name in REGION_FILES:
        outcomes = regions.load_file(base / name)
        lines.append(f"{name}: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    return lines
