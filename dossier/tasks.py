"""Celery tasks of the dossier: thin, take ids, call services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from dossier import services


@shared_task(name="dossier.build_package", ignore_result=True, acks_late=True)
def build_package(package_id: int) -> None:
    """Build an evidence package; a failure is recorded on the package (no retry: the
    requester sees it and asks again). Safe to run twice: a ready package is left alone."""
    services.package_build(package_id=package_id)


@shared_task(name="dossier.clean_packages", ignore_result=True)
def clean_packages() -> int:
    """Daily: delete the evidence packages older than EVIDENCE_PACKAGE_DAYS and their files,
    and the partial files of builds that died (safe to run twice: the second finds nothing)."""
    return services.packages_clean(now=timezone.now())
