"""Backup and restore: the archive holds every row and every file under MEDIA_ROOT with
their hashes; a restore into an empty database and media folder gives back the same counts
and the same files, refuses a non-empty target unless told, and writes nothing from an
archive whose hashes do not match. Runs on SQLite and PostgreSQL alike (CI: DATABASE_URL)."""

from __future__ import annotations

import hashlib
import json
import tarfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from assessments import tasks
from demo.seed import ensure_demo_users, load_demo_values
from indicators import services
from indicators.models import DataElement, Evidence, IndicatorValue
from tests import factories
from zhonglou.ops import backup as ops

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def installation(zhonglou, clerk_a, catalogue):
    """The demo, verdicts stored, and two evidence files."""
    ensure_demo_users()
    load_demo_values(User.objects.get(username="admin"))
    saved = services.value_save(
        actor=clerk_a,
        region=zhonglou,
        data_element=DataElement.objects.get(key="straw_utilization_rate"),
        year=2016,
        value=Decimal("91.5"),
    ).value
    for index in (1, 2):
        services.evidence_add(
            value=saved,
            actor=clerk_a,
            upload=factories.pdf_upload(
                f"统计年鉴-{index}.pdf", b"%PDF-1.4\n% page " + str(index).encode() + b"\n"
            ),
            title=f"年鉴 {index}",
        )
    tasks.recompute_region.apply(args=[zhonglou.pk, []]).get()
    return zhonglou


def _file_hashes(root) -> dict[str, str]:
    return {
        name: hashlib.sha256(path.read_bytes()).hexdigest()
        for name, path in ops.media_files(root).items()
    }


def test_a_backup_restores_into_an_empty_database_with_equal_counts_and_files(
    installation, media, tmp_path
):
    archive = tmp_path / "zhonglou.tar.gz"
    counts, files = ops.row_counts(), _file_hashes(media)
    assert counts["indicators.evidence"] == len(files) >= 2
    assert counts["assessments.assessmentsnapshot"] > 0

    call_command("backup", str(archive))
    call_command("flush", interactive=False, verbosity=0)  # an empty database…
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()  # … and an empty media folder
    assert ops.database_is_empty() and not ops.media_files(media)

    call_command("restore", str(archive))

    assert ops.row_counts() == counts
    assert _file_hashes(media) == files
    for evidence in Evidence.objects.all():  # each row finds its file, with its hash
        assert evidence.file.storage.exists(evidence.file.name)
        assert hashlib.sha256(evidence.file.read()).hexdigest() == evidence.sha256
    assert User.objects.get(username="clerk_a").check_password(factories.PASSWORD)
    assert IndicatorValue.objects.filter(region=installation).count() > 1
    assert factories.UserFactory(username="after-restore").pk  # the id sequences go on


def test_the_manifest_lists_every_member_with_its_hash(installation, tmp_path):
    archive = tmp_path / "a.tar.gz"
    ops.backup(archive)

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = {m.name for m in tar.getmembers()} - {"manifest.json"}
        for name in names:
            digest = hashlib.sha256(tar.extractfile(name).read()).hexdigest()
            assert manifest["files"][name] == digest
    assert names == set(manifest["files"])
    files = sum(n.startswith("media/") for n in names)
    assert "database.json" in names and files == Evidence.objects.count() >= 2


def test_a_restore_into_a_database_with_data_is_refused_unless_told(installation, media, tmp_path):
    archive = tmp_path / "a.tar.gz"
    ops.backup(archive)
    counts = ops.row_counts()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))

    call_command("restore", str(archive), "--replace")
    assert ops.row_counts() == counts


def test_an_archive_whose_hashes_differ_restores_nothing(installation, media, tmp_path):
    archive, forged = tmp_path / "a.tar.gz", tmp_path / "forged.tar.gz"
    ops.backup(archive)
    with tarfile.open(archive) as source, tarfile.open(forged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data.replace(b"page", b"PAGE")
            member.size = len(data)
            target.addfile(member, __import__("io").BytesIO(data))
    call_command("flush", interactive=False, verbosity=0)

    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(forged))

    assert ops.database_is_empty()


def test_a_backup_never_overwrites_an_archive(installation, tmp_path):
    archive = tmp_path / "a.tar.gz"
    archive.write_bytes(b"keep")

    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(archive))
    assert archive.read_bytes() == b"keep"
