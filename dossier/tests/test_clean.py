"""The daily clean-up of evidence packages: those asked for more than EVIDENCE_PACKAGE_DAYS
ago go, with their files; recent ones stay; a file already gone is no error. The partial
files of builds that died go a day after their last write; a build in progress keeps its."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from dossier import services
from dossier.choices import PackageStatus
from dossier.models import EvidencePackage
from dossier.tasks import clean_packages

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 15, 3, 30, tzinfo=datetime.UTC)


@pytest.fixture
def make(media, zhonglou, catalogue, leader):
    """A ready package asked for ``days`` before NOW, with its file (unless ``on_disk`` is
    false)."""
    root = services.dossier_root()
    root.mkdir(parents=True, exist_ok=True)

    def package(days: float, name: str, *, on_disk: bool = True, **fields) -> EvidencePackage:
        fields = {"status": PackageStatus.READY, "file_path": name} | fields
        made = EvidencePackage.objects.create(
            region=zhonglou, edition=catalogue, year=2021, requester=leader, **fields
        )
        EvidencePackage.objects.filter(pk=made.pk).update(
            requested_at=NOW - datetime.timedelta(days=days)
        )
        if on_disk and made.file_path:
            (root / made.file_path).write_bytes(b"PK zip")
        return made

    return package


def _exists(package) -> bool:
    return EvidencePackage.objects.filter(pk=package.pk).exists()


def test_old_packages_go_with_their_files_and_recent_ones_stay(make):
    old = make(8, "old.zip")
    failed = make(30, "", status=PackageStatus.FAILED, error="OSError")  # no file
    recent = make(6.9, "recent.zip")
    assert services.packages_clean(now=NOW) == 2
    assert not _exists(old) and not _exists(failed)
    assert not (services.dossier_root() / "old.zip").exists()
    assert _exists(recent) and (services.dossier_root() / "recent.zip").exists()
    assert services.packages_clean(now=NOW) == 0  # run twice: nothing left to do


def test_a_file_already_gone_does_not_fail_the_clean_up(make):
    gone = make(10, "gone.zip", on_disk=False)
    kept = make(1, "kept.zip")
    assert services.packages_clean(now=NOW) == 1
    assert not _exists(gone) and _exists(kept)


def test_the_days_kept_are_a_setting(make, settings):
    settings.EVIDENCE_PACKAGE_DAYS = 2
    three_days = make(3, "three.zip")
    one_day = make(1, "one.zip")
    services.packages_clean(now=NOW)
    assert not _exists(three_days) and _exists(one_day)


def test_the_daily_task_is_the_service_and_in_the_beat(make, media):
    old = make(100, "old.zip")
    recent = make(0, "now.zip")
    EvidencePackage.objects.filter(pk=recent.pk).update(requested_at=timezone.now())
    EvidencePackage.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - datetime.timedelta(days=100)
    )
    clean_packages.delay()
    assert not _exists(old) and _exists(recent)
    assert django_settings.EVIDENCE_PACKAGE_DAYS == 7
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "dossier.clean_packages" in tasks


def _partial(name: str, *, hours_ago: float) -> Path:
    """A ``.part`` file under the dossier root, last written ``hours_ago`` before NOW."""
    root = services.dossier_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / name
    path.write_bytes(b"PK half a zip")
    written = (NOW - datetime.timedelta(hours=hours_ago)).timestamp()
    os.utime(path, (written, written))
    return path


def test_partial_files_of_builds_that_died_are_swept_but_not_a_build_in_progress(make):
    dead = _partial("320404-2021-dead.zip.part", hours_ago=25)
    older = _partial("320404-2020-older.zip.part", hours_ago=24 * 30)
    building = _partial("320404-2021-building.zip.part", hours_ago=0.01)
    yesterday_evening = _partial("320404-2021-slow.zip.part", hours_ago=23)
    recent = make(1, "recent.zip")
    old_looking_zip = _partial("kept.zip", hours_ago=24 * 30)  # not a .part: not swept
    assert services.packages_clean(now=NOW) == 0  # no package is old enough
    assert not dead.exists() and not older.exists()
    assert building.exists() and yesterday_evening.exists()
    assert old_looking_zip.exists() and (services.dossier_root() / recent.file_path).exists()
    assert services.partials_sweep(now=NOW) == 0  # run twice: nothing left to do


def test_the_sweep_counts_and_tolerates_a_missing_dossier_folder(media):
    assert not services.dossier_root().exists()
    assert services.partials_sweep(now=NOW) == 0
    _partial("a.zip.part", hours_ago=48)
    _partial("b.zip.part", hours_ago=48)
    assert services.partials_sweep(now=NOW) == 2
    assert list(services.dossier_root().iterdir()) == []


def test_a_build_that_dies_without_cleaning_up_leaves_a_part_file_the_daily_task_sweeps(
    demo, leader, catalogue, monkeypatch
):
    """A worker killed mid-build (its ``except`` never runs) leaves its ``.part``; a day
    later the daily task removes it, and the package itself can be built again."""
    package = EvidencePackage.objects.create(
        region=demo, edition=catalogue, year=2021, requester=leader
    )

    def killed(region, edition, year, path, progress):
        path.write_bytes(b"PK half")
        raise SystemExit("worker killed")  # not an Exception: the build's except is skipped

    monkeypatch.setattr(services, "write_package", killed)
    with pytest.raises(SystemExit):
        services.package_build(package_id=package.pk)
    (partial,) = services.dossier_root().glob("*.part")
    assert partial.name.startswith("320404-2021-")
    clean_packages.delay()  # the same day: a build may still be writing it
    assert partial.exists()
    day_old = (timezone.now() - datetime.timedelta(days=1, minutes=1)).timestamp()
    os.utime(partial, (day_old, day_old))
    clean_packages.delay()
    assert not partial.exists()
    monkeypatch.undo()
    assert services.package_build(package_id=package.pk).status == PackageStatus.READY
