"""One archive holds what cannot be rebuilt: the database and the files under MEDIA_ROOT
(evidence), with a manifest of SHA-256 hashes.

The database is written with Django's ``dumpdata`` (natural foreign keys, models in dependency
order, primary keys kept: history rows and stored verdicts refer to objects by id) rather than
``pg_dump``: it restores with ``loaddata`` into
a database that ``migrate`` created, whatever its engine and server version and without
PostgreSQL's client tools in the image, and the same round trip is tested on SQLite and
PostgreSQL. What ``migrate`` creates itself (content types, permissions) and what is
transient (sessions, login attempts) is left out; references to content types are written by
natural key, so they resolve in the new database whatever its ids.

Archive layout (tar, gzip)::

    manifest.json       format, creation time, Django version, database engine, row counts
                        per model, and {path: sha256} of every other member
    database.json       the dumpdata output
    media/<path>        every file under MEDIA_ROOT
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"
MEDIA = "media"
# Created by migrate (or its post_migrate signal), or transient.
EXCLUDED_APPS = ("contenttypes", "sessions", "axes")
EXCLUDED_MODELS = ("auth.permission",)
# Rows that migrate itself creates (the role groups): a database holding only these is empty,
# and they are replaced by the archive's, ids included.
CREATED_BY_MIGRATIONS = ("auth.group",)
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256_stream(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def dumped_models() -> list:
    """The models a backup holds, as model classes."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in EXCLUDED_APPS
        and model._meta.label_lower not in EXCLUDED_MODELS
        and model._meta.managed
        and not model._meta.proxy
    ]


def row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.count() for m in dumped_models()}


def media_files(root: Path) -> dict[str, Path]:
    """Every file under ``root``, by its path relative to it (POSIX)."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


@dataclass
class Summary:
    rows: int
    files: int
    path: Path


def backup(archive: Path) -> Summary:
    """Write the archive (refusing to overwrite one)."""
    archive = Path(archive)
    if archive.exists():
        raise BackupError(f"{archive} exists already; choose a new name.")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / DATABASE
        # One transaction, so that the rows and their counts are one consistent state.
        with transaction.atomic():
            call_command(
                "dumpdata",
                *[m._meta.label for m in dumped_models()],
                natural_foreign=True,
                output=str(dump),
                verbosity=0,
            )
            counts = row_counts()
        files = media_files(media_root)
        hashes = {DATABASE: _sha256_file(dump)}
        hashes.update({f"{MEDIA}/{name}": _sha256_file(path) for name, path in files.items()})
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "django": django.get_version(),
            "database_vendor": connection.vendor,
            "rows": counts,
            "files": hashes,
        }
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=DATABASE)
            for name, path in files.items():
                tar.add(path, arcname=f"{MEDIA}/{name}")
        partial.rename(archive)
    return Summary(rows=sum(counts.values()), files=len(files), path=archive)


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError("the archive has no manifest.json: not a zhonglou backup") from None
    manifest = json.load(tar.extractfile(member))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def verify(archive: Path) -> dict:
    """Check every member against the manifest (and that nothing is missing or extra);
    returns the manifest."""
    with tarfile.open(archive, "r:*") as tar:
        manifest = read_manifest(tar)
        expected = dict(manifest["files"])
        for member in tar.getmembers():
            if member.name == MANIFEST:
                continue
            if not member.isfile() or not _safe_member(member.name):
                raise BackupError(f"unexpected member {member.name!r} in the archive")
            if member.name not in expected:
                raise BackupError(f"{member.name} is not in the manifest")
            actual = _sha256_stream(tar.extractfile(member))
            if actual != expected.pop(member.name):
                raise BackupError(f"{member.name}: its SHA-256 differs from the manifest's")
        if expected:
            raise BackupError(f"missing from the archive: {', '.join(sorted(expected))}")
    return manifest


def database_is_empty() -> bool:
    return not any(
        count for label, count in row_counts().items() if label not in CREATED_BY_MIGRATIONS
    )


def restore(archive: Path, *, replace: bool = False) -> Summary:
    """Restore into an empty (migrated) database and an empty MEDIA_ROOT; with ``replace``,
    what is there is deleted first. Nothing is written unless every hash matches."""
    archive = Path(archive)
    if not archive.exists():
        raise BackupError(f"{archive} does not exist")
    manifest = verify(archive)
    media_root = Path(settings.MEDIA_ROOT)
    if not replace:
        if not database_is_empty():
            raise BackupError(
                "the database is not empty; restore into a new database (after migrate), "
                "or pass --replace to delete what it holds"
            )
        if media_files(media_root):
            raise BackupError(
                f"{media_root} is not empty; restore into an empty folder, or pass --replace"
            )
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:*") as tar:
        tar.extract(DATABASE, path=tmp, filter="data")
        staged = Path(tmp) / "staged"
        for member in tar.getmembers():
            if member.name.startswith(f"{MEDIA}/"):
                tar.extract(member, path=staged, filter="data")
        with transaction.atomic():
            if replace:
                call_command("flush", interactive=False, verbosity=0)
            for label in CREATED_BY_MIGRATIONS:
                apps.get_model(label)._default_manager.all().delete()
            call_command("loaddata", str(Path(tmp) / DATABASE), verbosity=0)
        if replace and media_root.exists():
            shutil.rmtree(media_root)
        media_root.mkdir(parents=True, exist_ok=True)
        source = staged / MEDIA
        if source.exists():
            for path in sorted(source.rglob("*")):
                if path.is_file():
                    target = media_root / path.relative_to(source)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
    return Summary(
        rows=sum(manifest["rows"].values()),
        files=sum(1 for name in manifest["files"] if name.startswith(f"{MEDIA}/")),
        path=archive,
    )
