"""Peak memory of reading hostile Excel uploads (indicators.excel.read_upload, as the upload
page calls it): a workbook whose one cell holds 300 MiB of text, compressed to some 300 KiB,
and one whose cell is just under the unzipped limit (the largest a file can hold and still be
opened). Each upload is read in a child process of its own, which reports how far its peak
resident memory (ru_maxrss) grew during the read, and how long the read took.

    .venv/bin/python bench/bench_upload_memory.py [--cell-mib 300] [--unbounded]

``--unbounded`` also reads the 300 MiB file with the unzipped-size check lifted, as uploads were
read before it (slow, and some 600 MB of memory: not run by default).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from common import machine, setup

SHEET = "xl/worksheets/sheet1.xml"
CHUNK = b"A" * 2**20


def bomb(path: Path, cell_bytes: int) -> None:
    """A filled-in template whose value cell (I2) holds ``cell_bytes`` characters, written to the
    zip in 1 MiB chunks (never held in memory)."""
    from openpyxl import Workbook

    from indicators import excel

    wb = Workbook()
    wb.active.append([c.title for c in excel.template_columns()])
    wb.active.append(["", "", "straw_utilization_rate", "", "", 2021, "", "", 95, "", "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != SHEET:
                target.writestr(item.filename, data)
                continue
            head, _sep, tail = data.partition(b'<c r="I2" t="n"><v>95</v>')
            with target.open(SHEET, "w", force_zip64=True) as member:
                member.write(head + b'<c r="I2" t="inlineStr"><is><t>')
                for _ in range(cell_bytes // len(CHUNK)):
                    member.write(CHUNK)
                member.write(CHUNK[: cell_bytes % len(CHUNK)])
                member.write(b"</t></is>" + tail)


def child(path: str, unbounded: bool) -> None:
    """Read one upload as the clerk of agriculture; print what it cost, as JSON."""
    import django

    django.setup()
    from django.conf import settings

    from accounts.models import User
    from indicators import excel
    from indicators.models import Region

    if unbounded:
        settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 2**40
        settings.UPLOAD_MAX_BYTES = 2**40
    clerk = User.objects.get(username="zl-agriculture")
    region = Region.objects.get(code="320404")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with open(path, "rb") as handle:
        report = excel.read_upload(handle, clerk, region)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    problem = str(report.problems[0]) if report.problems else ""
    print(
        json.dumps(
            {
                "growth_mb": (after - before) / 1024,  # ru_maxrss is in KiB on Linux
                "peak_mb": after / 1024,
                "seconds": seconds,
                "problem": problem[:120],
                "problem_chars": sum(len(str(p)) for p in report.problems),
            }
        )
    )


def measure(path: Path, unbounded: bool = False) -> dict:
    args = [sys.executable, __file__, "--child", str(path)] + (["--unbounded"] if unbounded else [])
    done = subprocess.run(args, capture_output=True, text=True, check=True, env=os.environ.copy())
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cell-mib", type=int, default=300)
    parser.add_argument("--unbounded", action="store_true")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        return child(args.child, args.unbounded)

    setup(0)
    from django.conf import settings

    work = Path(tempfile.mkdtemp(prefix="zhonglou-bench-upload-"))
    limit = settings.UPLOAD_MAX_UNCOMPRESSED_BYTES
    cases = [
        (f"{args.cell_mib} MiB cell (limits as shipped)", args.cell_mib * 2**20, False),
        (
            f"{(limit - 2**20) / 2**20:g} MiB cell (just under the unzipped limit)",
            limit - 2**20,
            False,
        ),
    ]
    if args.unbounded:
        cases.append(
            (f"{args.cell_mib} MiB cell, unzipped-size check lifted", args.cell_mib * 2**20, True)
        )
    print(machine())
    print(
        f"limits: file {settings.UPLOAD_MAX_BYTES / 2**20:g} MiB, unzipped "
        f"{limit / 2**20:g} MiB, cell {settings.UPLOAD_MAX_CELL_CHARS} characters, "
        f"{settings.UPLOAD_MAX_ROWS} rows"
    )
    print(f"\n{'upload':<52}{'file KiB':>10}{'peak growth MB':>16}{'seconds':>9}  answer")
    for index, (title, cell_bytes, unbounded) in enumerate(cases):
        path = work / f"upload-{index}.xlsx"
        bomb(path, cell_bytes)
        result = measure(path, unbounded)
        print(
            f"{title:<52}{path.stat().st_size / 1024:>10.0f}{result['growth_mb']:>16.1f}"
            f"{result['seconds']:>9.2f}  {result['problem'][:70]}"
        )
        path.unlink()


if __name__ == "__main__":
    main()
