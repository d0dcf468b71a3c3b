"""Writes of corrective actions: one transaction each, the actor's right checked, a history row
with the reason (django-simple-history)."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions import permissions
from actions.choices import ACTIVE, ActionStatus
from actions.models import CorrectiveAction, Milestone, ProgressNote
from actions.selectors import gap_of
from assessments import selectors as assessment_selectors
from assessments.choices import Mode, Status
from indicators import selectors as indicator_selectors
from indicators.models import Department, FrameworkEdition, Indicator, Region
from indicators.models.values import (
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    YEAR_MAX,
    YEAR_MIN,
)
from zhonglou.errors import ConflictError

# What the lead department may move an action to, from where (verifying is the reviewers').
CLERK_TRANSITIONS = {
    ActionStatus.OPEN: (ActionStatus.IN_PROGRESS, ActionStatus.DONE),
    ActionStatus.IN_PROGRESS: (ActionStatus.OPEN, ActionStatus.DONE),
    ActionStatus.DONE: (ActionStatus.IN_PROGRESS,),
    ActionStatus.VERIFIED: (),
}


def _text(value: str, field: str, *, required: bool = True, limit: int = TEXT_MAX_CHARS) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(n)d characters, please.") % {"n": limit}}, code="too_long"
        )
    return value


def _date(value, field: str) -> datetime.date:
    if not isinstance(value, datetime.date) or not YEAR_MIN <= value.year <= YEAR_MAX + 1:
        raise ValidationError({field: _("Enter a valid date.")})
    return value


def _departments(region: Region, lead: Department, supporting: Iterable[Department]):
    if lead is None or lead.region_id != region.pk:
        raise ValidationError({"lead_department": _("Choose a department of this region.")})
    supporting = list(dict.fromkeys(supporting))
    if any(d.region_id != region.pk for d in supporting):
        raise ValidationError({"supporting_departments": _("Choose departments of this region.")})
    return [d for d in supporting if d.pk != lead.pk]


def _milestones(rows) -> list[tuple[str, datetime.date]]:
    return [
        (_text(title, "milestones", limit=TITLE_MAX_CHARS), _date(due, "milestones"))
        for title, due in rows
    ]


def _not_verified(action: CorrectiveAction) -> None:
    if action.status == ActionStatus.VERIFIED:
        raise ValidationError(_("A verified action is closed; it can no longer change."))


def _save(action: CorrectiveAction, reason: str, **kwargs) -> None:
    action._change_reason = reason
    action.save(**kwargs)


def indicator_result(region: Region, edition: FrameworkEdition, code: str, year: int):
    """``code``'s result in the region's official scorecard of ``year`` (None if absent)."""
    card = assessment_selectors.scorecard(
        region=region, edition=edition, year=year, mode=Mode.OFFICIAL
    )
    return next((i for i in card.result.indicators if i.code == code), None)


@transaction.atomic
def action_create(
    *,
    actor,
    region: Region,
    edition: FrameworkEdition,
    indicator: Indicator,
    year: int,
    description: str,
    lead_department: Department,
    due_date: datetime.date,
    supporting_departments: Iterable[Department] = (),
    milestones: Iterable[tuple[str, datetime.date]] = (),
) -> CorrectiveAction:
    """A reviewer opens an action on a gap: the indicator is not met, missing, pending or at
    risk (projected to miss its target) in the region's official scorecard of ``year``."""
    if not permissions.may_create(actor, region.pk):
        raise PermissionDenied(_("Only a reviewer of this region may create corrective actions."))
    if indicator.edition_id != edition.pk:
        raise ValidationError({"indicator": _("This indicator is not in this edition.")})
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError({"year": _("Enter a valid year.")})
    gap = gap_of(indicator_result(region, edition, indicator.code, year))
    if gap is None:
        raise ValidationError(
            {
                "indicator": _(
                    "Only a gap (not met, missing, pending or at risk) can get a corrective action."
                )
            }
        )
    active = CorrectiveAction.objects.filter(
        region=region, indicator=indicator, status__in=[s.value for s in ACTIVE]
    ).first()
    if active is not None:
        raise ConflictError(
            _("This indicator already has a corrective action that is not verified."),
            params={"id": active.pk},
        )
    supporting = _departments(region, lead_department, supporting_departments)
    steps = _milestones(milestones)
    action = CorrectiveAction(
        region=region,
        edition=edition,
        indicator=indicator,
        year=year,
        gap_status=gap,
        description=_text(description, "description"),
        lead_department=lead_department,
        due_date=_date(due_date, "due_date"),
        created_by=actor,
    )
    _save(action, _("Created from the gap"))
    action.supporting_departments.set(supporting)
    for title, due in steps:
        Milestone.objects.create(action=action, title=title, due_date=due)
    return action


@transaction.atomic
def action_edit(
    *,
    actor,
    action: CorrectiveAction,
    description: str | None = None,
    lead_department: Department | None = None,
    supporting_departments: Iterable[Department] | None = None,
    due_date: datetime.date | None = None,
) -> CorrectiveAction:
    """A reviewer changes what the action is, who leads it and by when."""
    if not permissions.may_edit(actor, action):
        raise PermissionDenied(_("Only a reviewer of this region may change this action."))
    _not_verified(action)
    if description is not None:
        action.description = _text(description, "description")
    if lead_department is not None:
        _departments(action.region, lead_department, ())
        action.lead_department = lead_department
    if due_date is not None:
        action.due_date = _date(due_date, "due_date")
    _save(action, _("Edited"))
    if supporting_departments is not None:
        action.supporting_departments.set(
            _departments(action.region, action.lead_department, supporting_departments)
        )
    return action


@transaction.atomic
def action_transition(*, actor, action: CorrectiveAction, status: str) -> CorrectiveAction:
    """The lead department moves its action: open, in progress, done (and back)."""
    if not permissions.may_update(actor, action):
        raise PermissionDenied(_("Only the lead department may update this action."))
    try:
        target = ActionStatus(status)
    except ValueError:
        raise ValidationError({"status": _("Unknown status.")}) from None
    if target == ActionStatus.VERIFIED:
        raise PermissionDenied(_("Only a reviewer verifies the closure of an action."))
    if target not in CLERK_TRANSITIONS[ActionStatus(action.status)]:
        raise ValidationError(
            {
                "status": _("An action that is %(from)s cannot become %(to)s.")
                % {"from": action.get_status_display(), "to": target.label}
            }
        )
    action.status = target
    _save(action, str(target.label))
    return action


@transaction.atomic
def action_verify(*, actor, action: CorrectiveAction, reason: str = "") -> CorrectiveAction:
    """A reviewer closes a done action: allowed when the indicator is met in the region's
    official scorecard (of the action's year or the current assessment year, the later), or
    with a stated reason."""
    if not permissions.may_verify(actor, action):
        raise PermissionDenied(_("Only a reviewer of this region verifies the closure."))
    if action.status != ActionStatus.DONE:
        raise ValidationError({"status": _("Only a done action can be verified.")})
    reason = _text(reason, "reason", required=False)
    year = max(action.year, indicator_selectors.default_year(action.region))
    result = indicator_result(action.region, action.edition, action.indicator.code, year)
    if (result is None or result.status != Status.MET) and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "The indicator is not met in %(year)s: state why the action can be closed."
                )
                % {"year": year}
            }
        )
    action.status = ActionStatus.VERIFIED
    action.closure_reason = reason
    action.verified_by = actor
    action.verified_at = timezone.now()
    _save(action, _("Verified"))
    return action


@transaction.atomic
def note_add(*, actor, action: CorrectiveAction, text: str, evidence=None) -> ProgressNote:
    """A progress note, optionally with an evidence file (stored under a random token)."""
    if not permissions.may_note(actor, action):
        raise PermissionDenied(_("Only the lead department or a reviewer may report progress."))
    _not_verified(action)
    note = ProgressNote(action=action, text=_text(text, "text"), author=actor)
    if evidence is not None:
        suffix = evidence.name.rsplit(".", 1)[-1].lower() if "." in evidence.name else ""
        if suffix not in EVIDENCE_EXTENSIONS:
            raise ValidationError(
                {
                    "evidence": _("Allowed file types: %(types)s.")
                    % {"types": ", ".join(EVIDENCE_EXTENSIONS)}
                }
            )
        if evidence.size > EVIDENCE_MAX_BYTES:
            raise ValidationError({"evidence": _("The file is larger than 20 MB.")})
        note.evidence_token = secrets.token_hex(16)
        note.evidence_name = evidence.name[:200]
        note.evidence = evidence
    note.save()
    if action.status == ActionStatus.OPEN and permissions.may_update(actor, action):
        action.status = ActionStatus.IN_PROGRESS  # reporting progress starts the work
        _save(action, str(ActionStatus.IN_PROGRESS.label))
    return note


@transaction.atomic
def milestone_add(
    *, actor, action: CorrectiveAction, title: str, due_date: datetime.date
) -> Milestone:
    if not permissions.may_plan(actor, action):
        raise PermissionDenied(_("Only the lead department or a reviewer may add milestones."))
    _not_verified(action)
    ((title, due),) = _milestones([(title, due_date)])
    return Milestone.objects.create(action=action, title=title, due_date=due)


@transaction.atomic
def milestone_edit(
    *,
    actor,
    milestone: Milestone,
    title: str | None = None,
    due_date: datetime.date | None = None,
) -> Milestone:
    """The lead department or a reviewer renames a milestone or moves its date."""
    action = milestone.action
    if not permissions.may_plan(actor, action):
        raise PermissionDenied(_("Only the lead department or a reviewer may update milestones."))
    _not_verified(action)
    if title is not None:
        milestone.title = _text(title, "title", limit=TITLE_MAX_CHARS)
    if due_date is not None:
        milestone.due_date = _date(due_date, "due_date")
    milestone.save(update_fields=["title", "due_date"])
    return milestone


@transaction.atomic
def milestone_set_done(*, actor, milestone: Milestone, done: bool) -> Milestone:
    action = milestone.action
    if not permissions.may_plan(actor, action):
        raise PermissionDenied(_("Only the lead department or a reviewer may update milestones."))
    _not_verified(action)
    milestone.done = bool(done)
    milestone.save(update_fields=["done"])
    return milestone
