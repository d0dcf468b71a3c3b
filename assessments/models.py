"""Assessment snapshots: what the scoring engine said about a region-year, and when."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.choices import Mode, Verdict
from indicators.models import FrameworkEdition, Region


class AssessmentSnapshot(models.Model):
    """The scorecard of one region × edition × assessment year × mode, computed from the
    inputs whose hash it records. A new row is written only when the inputs change, so the
    rows of one key are the history of the verdict."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("region")
    )
    edition = models.ForeignKey(
        FrameworkEdition,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("edition"),
    )
    year = models.PositiveSmallIntegerField(_("assessment year"))
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    as_of = models.DateTimeField(_("as of"), db_index=True)
    input_hash = models.CharField(_("input hash"), max_length=64)
    verdict = models.CharField(_("verdict"), max_length=14, choices=Verdict.choices)
    binding_met = models.PositiveSmallIntegerField(_("binding met"))
    binding_applicable = models.PositiveSmallIntegerField(_("binding applicable"))
    reference_met = models.PositiveSmallIntegerField(_("reference met"))
    reference_applicable = models.PositiveSmallIntegerField(_("reference applicable"))
    reference_ratio = models.DecimalField(
        _("reference ratio"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    result = models.JSONField(_("result"))
    is_current = models.BooleanField(_("current"), default=True)
    stale = models.BooleanField(
        _("stale"),
        default=False,
        help_text=_(
            "Inputs changed; the verdict has not been recomputed yet (reads compute it meanwhile)."
        ),
    )
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("assessment snapshot")
        verbose_name_plural = _("assessment snapshots")
        ordering = ["region", "edition", "-year", "mode", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "edition", "year", "mode"],
                condition=Q(is_current=True),
                name="snapshot_one_current_per_key",
                violation_error_message=_("There is already a current snapshot for this key."),
            )
        ]
        indexes = [
            models.Index(
                fields=["region", "edition", "year", "mode", "-as_of"], name="snapshot_key_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} {self.edition.code} {self.get_mode_display()}"
