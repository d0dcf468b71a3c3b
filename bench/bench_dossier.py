"""Building an evidence package (dossier.services.write_package, as the Celery task runs it)
from 2 GB of SYNTHETIC evidence: sparse files of made-up content (a short header naming them
synthetic, then zeros), attached to the demo's approved values of the window. Prints the
growth of the peak resident memory during the build (bounded: the files are streamed into the
ZIP in 1 MiB chunks), the time, and the package's size.

    .venv/bin/python bench/bench_dossier.py [--gib 2] [--files 110]

The peak is the kernel's high-water mark (VmHWM), reset just before the build through
/proc/self/clear_refs; where that is not allowed, ru_maxrss, which can only overstate it. The
synthetic files and the package are written to a temporary folder and deleted afterwards.
"""

from __future__ import annotations

import argparse
import resource
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import machine, setup

MIB = 2**20


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def synthetic_evidence(folder: str, total: int, count: int) -> int:
    """``count`` sparse files adding up to ``total`` bytes, as Evidence rows of the demo's
    approved values in 2019–2021 (round-robin); returns the bytes attached."""
    from django.db import transaction

    from indicators.choices import ValueStatus
    from indicators.models import Evidence, IndicatorValue, Region
    from indicators.models.values import EVIDENCE_MAX_BYTES

    size = min(total // count, EVIDENCE_MAX_BYTES)
    values = list(
        IndicatorValue.objects.filter(
            region=Region.objects.get(code="320404"),
            status=ValueStatus.APPROVED,
            year__in=(2019, 2020, 2021),
        ).order_by("pk")
    )
    storage = Evidence._meta.get_field("file").storage
    rows = []
    for n in range(count):
        name = f"{folder}/synthetic-{n:04d}.pdf"
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.write(f"%PDF-1.4\n% SYNTHETIC benchmark evidence {n}\n".encode())
            handle.truncate(size)  # sparse: no blocks written for the zeros
        rows.append(
            Evidence(
                value=values[n % len(values)],
                token=secrets.token_hex(16),
                file=name,
                original_name=f"synthetic-{n:04d}.pdf",
                size=size,
                sha256="synthetic",
                title="合成佐证材料（基准测试，非真实数据）",
                official_source="synthetic (benchmark)",
            )
        )
    with transaction.atomic():
        Evidence.objects.bulk_create(rows)
    return size * count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gib", type=float, default=2.0)
    parser.add_argument("--files", type=int, default=110)
    args = parser.parse_args()
    setup(synthetic_regions=0)
    from django.conf import settings

    from dossier import services
    from indicators.models import FrameworkEdition, Region

    work = Path(tempfile.mkdtemp(prefix="zhonglou-bench-dossier-"))
    settings.MEDIA_ROOT = work
    folder = f"bench-{secrets.token_hex(4)}"
    from indicators.models import Evidence

    storage = Evidence._meta.get_field("file").storage
    try:
        attached = synthetic_evidence(folder, int(args.gib * 1024 * MIB), args.files)
        region = Region.objects.get(code="320404")
        edition = FrameworkEdition.objects.get(code="jiangsu-county-2019")
        target = work / "package.zip"
        updates = []
        rss_before = status_kib("VmRSS")
        exact = reset_peak()
        maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        files, size = services.write_package(region, edition, 2021, target, updates.append)
        seconds = time.perf_counter() - start
        peak = status_kib("VmHWM") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        growth = max(0, peak - rss_before) if exact else max(0, peak - maxrss_before)
        print(machine())
        print(
            f"\nevidence package from SYNTHETIC evidence: {args.files} sparse files, "
            f"{attached / MIB:,.0f} MiB in all ({attached // args.files / MIB:.1f} MiB each)"
        )
        print(f"files in the package: {files} · package size: {size / MIB:,.0f} MiB")
        print(f"time: {seconds:.1f} s ({attached / MIB / seconds:,.0f} MiB/s)")
        print(f"progress updates written: {len(updates)}")
        print(
            f"resident memory before: {rss_before / 1024:.0f} MB · peak growth during the build: "
            f"{growth / 1024:.1f} MB ({'VmHWM' if exact else 'ru_maxrss'})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(storage.path(folder), ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
