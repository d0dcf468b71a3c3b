"""Writes of the dossier: asking for an evidence package, building it, and deleting the old
ones.

The build streams every evidence file into the ZIP on disk in chunks (zipfile's ``open(…,
"w")`` with ZIP64), hashing each as it goes, so that memory stays bounded whatever the total
size (``bench/bench_dossier.py`` measures it). The file is written under a temporary name and
renamed when complete: a download never sees half a package.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import os
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.scope import scope_of
from assessments.choices import Mode
from dossier import selectors
from dossier.choices import PackageStatus
from dossier.documents.sheet import table_xlsx
from dossier.documents.word import table_docx
from dossier.models import EvidencePackage
from dossier.table import indicator_table
from indicators.models import FrameworkEdition, Region
from zhonglou.errors import ConflictError
from zhonglou.spreadsheets import set_text

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024  # bytes read and written at a time
PROGRESS_EVERY = 0.5  # seconds between progress writes
# A build asked for this recently and not finished is under way: the same package is not asked
# for twice. Older unfinished ones (a worker lost, the broker down) may be asked for again.
BUILD_UNDER_WAY = datetime.timedelta(minutes=30)


def dossier_root() -> Path:
    """Where built packages are kept: under MEDIA_ROOT, never served from it."""
    return Path(settings.MEDIA_ROOT) / "dossiers"


def may_request_package(user, region: Region) -> bool:
    scope = scope_of(user)
    return scope.reads_scores and scope.reads_region(region.pk)


@transaction.atomic
def package_request(
    *, actor, region: Region, edition: FrameworkEdition, year: int
) -> EvidencePackage:
    """Ask for an evidence package of ``region``; it is built after the commit (Celery). A
    build of the same region, edition and year under way is a ConflictError naming it."""
    if not may_request_package(actor, region):
        raise PermissionDenied(
            _("Evidence packages are for the region's reviewers, leaders and administrators.")
        )
    building = (
        EvidencePackage.objects.filter(
            region=region,
            edition=edition,
            year=year,
            status__in=(PackageStatus.QUEUED, PackageStatus.BUILDING),
            requested_at__gte=timezone.now() - BUILD_UNDER_WAY,
        )
        .order_by("-requested_at")
        .first()
    )
    if building is not None:
        raise ConflictError(
            _("This package is being built already: follow that build."),
            code="package_building",
            params={"id": building.pk},
        )
    package = EvidencePackage.objects.create(
        requester=actor,
        region=region,
        edition=edition,
        year=year,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    from dossier import tasks  # the task calls back into this module

    transaction.on_commit(lambda: tasks.build_package.delay(package.pk))
    return package


def package_build(*, package_id: int) -> EvidencePackage:
    """Build the package (again, if a worker died half-way); a ready one is left as it is."""
    package = EvidencePackage.objects.select_related("region", "edition").get(pk=package_id)
    if package.ready:
        return package
    _set(package, status=PackageStatus.BUILDING, progress=0, error="")
    root = dossier_root()
    root.mkdir(parents=True, exist_ok=True)
    name = f"{package.region.code}-{package.year}-{uuid.uuid4().hex}.zip"
    partial = root / f"{name}.part"
    try:
        with translation.override(package.language):
            files, size = write_package(
                package.region,
                package.edition,
                package.year,
                partial,
                progress=lambda pct: _set(package, progress=pct),
            )
        os.replace(partial, root / name)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        logger.exception("evidence package %s failed", package.pk)
        _set(
            package,
            status=PackageStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return package
    _set(
        package,
        status=PackageStatus.READY,
        progress=100,
        file_path=name,
        size=size,
        files=files,
        finished_at=timezone.now(),
    )
    return package


def packages_clean(*, now: datetime.datetime) -> int:
    """Delete the packages asked for more than EVIDENCE_PACKAGE_DAYS days before ``now``, with
    their files (a file already gone is no error), and the partial files of builds that died
    (``partials_sweep``). The rows go first: a crash half-way leaves a stray file, never a
    package whose file is missing. Returns how many packages were deleted."""
    cutoff = now - datetime.timedelta(days=settings.EVIDENCE_PACKAGE_DAYS)
    old = list(
        EvidencePackage.objects.filter(requested_at__lt=cutoff).values_list("pk", "file_path")
    )
    partials_sweep(now=now)
    if not old:
        return 0
    EvidencePackage.objects.filter(pk__in=[pk for pk, _path in old]).delete()
    root = dossier_root()
    for _pk, path in old:
        if path:
            (root / path).unlink(missing_ok=True)
    logger.info("deleted %d evidence packages older than %s", len(old), cutoff)
    return len(old)


# A build writes its ``.part`` file chunk by chunk and is killed after CELERY_TASK_TIME_LIMIT
# (minutes): one untouched for a day belongs to a worker that died (killed, out of memory,
# machine restarted) before its ``except`` could delete it, never to a build in progress.
PARTIAL_MAX_AGE = datetime.timedelta(days=1)


def partials_sweep(*, now: datetime.datetime) -> int:
    """Delete the ``.part`` files under ``dossier_root()`` last written more than
    PARTIAL_MAX_AGE before ``now``; returns how many were deleted."""
    root = dossier_root()
    if not root.is_dir():
        return 0
    cutoff = (now - PARTIAL_MAX_AGE).timestamp()
    swept = 0
    for partial in root.glob("*.part"):
        try:
            stale = partial.is_file() and partial.stat().st_mtime < cutoff
        except FileNotFoundError:  # renamed by its build meanwhile
            continue
        if stale:
            partial.unlink(missing_ok=True)
            swept += 1
    if swept:
        logger.info("deleted %d partial evidence packages left by failed builds", swept)
    return swept


def _set(package: EvidencePackage, **fields) -> None:
    """Write the fields now (outside any longer transaction: the page polls them)."""
    for key, value in fields.items():
        setattr(package, key, value)
    EvidencePackage.objects.filter(pk=package.pk).update(**fields)


def write_package(
    region: Region,
    edition: FrameworkEdition,
    year: int,
    path: Path,
    progress: Callable[[int], None] = lambda pct: None,
) -> tuple[int, int]:
    """Write the package of ``region`` to ``path``; returns (evidence files, bytes written).

    Inside: ``evidence/<domain>/<indicator>/<year>/<file>``, ``index.xlsx`` (file, indicator,
    year, title, source, uploader, SHA-256) and the indicator table (official: approved
    values, like the evidence) as DOCX and XLSX."""
    table = indicator_table(region=region, edition=edition, year=year, mode=Mode.OFFICIAL)
    entries = selectors.package_entries(region, edition, table.window)
    total = sum(entry.evidence.size for entry in entries) or 1
    done = 0
    last = time.monotonic()
    manifest = []
    used: set[str] = set()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for entry in entries:
            arcname = _unique(
                f"evidence/{entry.folder}/{selectors.safe_name(entry.evidence.original_name)}",
                used,
            )
            digest, written = _stream(zf, arcname, entry.evidence)
            manifest.append((arcname, entry, digest))
            done += written
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY:
                progress(min(99, done * 100 // total))
                last = now
        zf.writestr("index.xlsx", _manifest(manifest))
        zf.writestr("indicator-table.docx", table_docx(table))
        zf.writestr("indicator-table.xlsx", table_xlsx(table))
    return len(manifest), path.stat().st_size


def _unique(name: str, used: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{stem} ({n}).{ext}" if dot else f"{stem} ({n})"
    used.add(candidate)
    return candidate


def _stream(zf: zipfile.ZipFile, arcname: str, evidence) -> tuple[str, int]:
    """Copy one evidence file into the ZIP in chunks, hashing it; stored as is (PDFs and
    images do not compress). Returns its SHA-256 ("" when the file is gone) and its size."""
    info = zipfile.ZipInfo(arcname, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    digest = hashlib.sha256()
    written = 0
    try:
        source = evidence.file.open("rb")
    except FileNotFoundError:
        logger.warning("evidence %s has no file; left out of the package", evidence.pk)
        return "", 0
    with source, zf.open(info, "w", force_zip64=True) as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            written += len(chunk)
    return digest.hexdigest(), written


def _manifest(rows) -> bytes:
    """index.xlsx: one row per file of the package."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Manifest")[:31])
    sheet.append(
        [_("File"), _("Indicator"), _("Year"), _("Title"), _("Source"), _("Uploaded by"), "SHA-256"]
    )
    for arcname, entry, digest in rows:
        evidence = entry.evidence
        uploader = evidence.uploaded_by
        cells = [
            arcname if digest else _("%(file)s (missing from storage)") % {"file": arcname},
            f"{entry.indicator_code} {entry.indicator_name}",
            str(entry.year),
            evidence.title,
            evidence.official_source or evidence.value.source,
            (uploader.get_full_name() or uploader.get_username()) if uploader else "",
            digest,
        ]
        sheet.append([_text_cell(sheet, text) for text in cells])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, text: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    set_text(cell, text)
    return cell
