"""Corrective actions (整改任务): what a region does about a gap, followed to closure."""

from __future__ import annotations

import datetime
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.choices import ACTIVE, UNFINISHED, ActionStatus
from actions.storage import NoteEvidenceStorage
from indicators.models import Department, FrameworkEdition, Indicator, Region
from indicators.models.values import (
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    YEAR_VALIDATORS,
    evidence_file_model,
)


class CorrectiveAction(models.Model):
    """One corrective action of a region for one indicator's gap (not met, missing or pending)
    in an assessment year: who leads it, who supports, by when, and where it stands."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="actions", verbose_name=_("region")
    )
    edition = models.ForeignKey(
        FrameworkEdition, on_delete=models.PROTECT, related_name="+", verbose_name=_("edition")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="actions", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("assessment year"), validators=YEAR_VALIDATORS)
    gap_status = models.CharField(
        _("gap"), max_length=20, help_text=_("The indicator's status when the action was created.")
    )
    description = models.TextField(_("description"), max_length=TEXT_MAX_CHARS)
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="led_actions",
        verbose_name=_("lead department"),
    )
    supporting_departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="supported_actions",
        verbose_name=_("supporting departments"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    closure_reason = models.TextField(
        _("closure reason"),
        max_length=TEXT_MAX_CHARS,
        blank=True,
        help_text=_("Why the action was verified while the indicator is not met."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "indicator"],
                condition=Q(status__in=[s.value for s in ACTIVE]),
                name="action_one_active_per_gap",
                violation_error_message=_(
                    "This indicator already has a corrective action that is not verified."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(description=""),
                name="action_has_description",
                violation_error_message=_("A corrective action needs a description."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} · {self.indicator.code} · {self.get_status_display()}"

    def is_overdue(self, today: datetime.date) -> bool:
        """Past its due date and not done."""
        return self.status in UNFINISHED and self.due_date < today


class Milestone(models.Model):
    """A step of a corrective action with its own date (阶段节点)."""

    action = models.ForeignKey(
        CorrectiveAction,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("corrective action"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_CHARS)
    due_date = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.due_date} {self.title}"


def _note_evidence_path(instance: ProgressNote, filename: str) -> str:
    # Never trust the uploaded name for the path: keep only a safe extension.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"actions/{instance.action.region.code}/{instance.evidence_token}{suffix}"


class ProgressNote(
    evidence_file_model(upload_to=_note_evidence_path, storage=NoteEvidenceStorage())
):
    """What the lead department reports on an action, with an optional evidence file."""

    action = models.ForeignKey(
        CorrectiveAction,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("corrective action"),
    )
    text = models.TextField(_("progress note"), max_length=TEXT_MAX_CHARS)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]
