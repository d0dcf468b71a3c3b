"""The daily clean-up of evidence packages: those asked for more than EVIDENCE_PACKAGE_DAYS
ago go, with their files; recent ones stay; a file already gone is no error."""

from __future__ import annotations

import datetime

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
