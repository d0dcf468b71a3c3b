"""The dossier's stored objects: the builds of evidence packages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossier.choices import PackageStatus
from indicators.models import FrameworkEdition, Region
from indicators.models.values import YEAR_VALIDATORS


class EvidencePackage(models.Model):
    """One build of a region's evidence package (a ZIP of the evidence of every approved value
    in the assessment year's window, with its manifest and the indicator table): who asked for
    it, how far the build is, and where the file is once it is ready."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region")
    )
    edition = models.ForeignKey(
        FrameworkEdition, on_delete=models.CASCADE, related_name="+", verbose_name=_("edition")
    )
    year = models.PositiveSmallIntegerField(_("assessment year"), validators=YEAR_VALIDATORS)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=PackageStatus.choices, default=PackageStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Relative to DOSSIER_ROOT; set when the build has written the whole file.
    file_path = models.CharField(_("file"), max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    files = models.PositiveIntegerField(_("evidence files"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence package")
        verbose_name_plural = _("evidence packages")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="package_progress_percent",
                violation_error_message=_("Progress is a percentage."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.edition.code} {self.year} #{self.pk}"

    @property
    def ready(self) -> bool:
        return self.status == PackageStatus.READY

    @property
    def finished(self) -> bool:
        return self.status in (PackageStatus.READY, PackageStatus.FAILED)
