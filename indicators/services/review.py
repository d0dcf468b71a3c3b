"""Writes that belong to the creation office's reviewers: assigned targets, not-applicable
declarations, veto events and year locks."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.choices import DeclarationStatus
from indicators.models import (
    AssignedTarget,
    DataElement,
    Indicator,
    NotApplicableDeclaration,
    Region,
    VetoEvent,
    YearLock,
)
from indicators.models.values import YEAR_MAX, YEAR_MIN, YEAR_RANGE_MESSAGE
from indicators.signals import region_data_changed

from .values import _check_open


def _require_reviewer(actor, region_id: int) -> None:
    if not permissions.is_reviewer_of(actor, region_id):
        raise PermissionDenied(_("Only a reviewer of this region may do this."))


def _changed(sender, region_id: int, *years: int) -> None:
    region_data_changed.send(sender=sender, region_id=region_id, years=set(years))


@transaction.atomic
def assigned_target_set(
    *,
    actor,
    region: Region,
    data_element: DataElement,
    year: int,
    target: Decimal,
    document: str = "",
) -> AssignedTarget:
    _require_reviewer(actor, region.pk)
    _check_open(region, year)
    obj, _created = AssignedTarget.objects.update_or_create(
        region=region,
        data_element=data_element,
        year=year,
        defaults={"target": target, "document": document, "entered_by": actor},
    )
    _changed(AssignedTarget, region.pk, year)
    return obj


@transaction.atomic
def assigned_target_delete(*, actor, target: AssignedTarget) -> None:
    _require_reviewer(actor, target.region_id)
    _check_open(target.region_id, target.year)
    target.delete()
    _changed(AssignedTarget, target.region_id, target.year)


@transaction.atomic
def declaration_propose(
    *, actor, region: Region, indicator: Indicator, reason: str
) -> NotApplicableDeclaration:
    _require_reviewer(actor, region.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    obj, _created = NotApplicableDeclaration.objects.update_or_create(
        region=region,
        indicator=indicator,
        defaults={
            "reason": reason,
            "status": DeclarationStatus.PROPOSED,
            "declared_by": actor,
            "approved_by": None,
            "approved_at": None,
        },
    )
    _changed(NotApplicableDeclaration, region.pk)
    return obj


def _declaration_set_status(actor, declaration, status, **fields) -> NotApplicableDeclaration:
    _require_reviewer(actor, declaration.region_id)
    declaration.status = status
    declaration._history_user = actor
    for name, value in fields.items():
        setattr(declaration, name, value)
    declaration.save()
    _changed(NotApplicableDeclaration, declaration.region_id)
    return declaration


@transaction.atomic
def declaration_approve(*, actor, declaration: NotApplicableDeclaration):
    if declaration.status != DeclarationStatus.PROPOSED:
        raise ValidationError(_("Only a proposed declaration can be approved."))
    return _declaration_set_status(
        actor,
        declaration,
        DeclarationStatus.APPROVED,
        approved_by=actor,
        approved_at=timezone.now(),
    )


@transaction.atomic
def declaration_withdraw(*, actor, declaration: NotApplicableDeclaration):
    return _declaration_set_status(actor, declaration, DeclarationStatus.WITHDRAWN)


@transaction.atomic
def veto_event_save(
    *,
    actor,
    region: Region,
    date: datetime.date,
    kind: str,
    description: str,
    evidence=None,
    event: VetoEvent | None = None,
) -> VetoEvent:
    """Record a veto event, or correct one (``event``)."""
    _require_reviewer(actor, region.pk)
    if event is not None and event.region_id != region.pk:
        _require_reviewer(actor, event.region_id)
    obj = event or VetoEvent()
    old_year = obj.date.year if obj.pk else date.year
    obj.region, obj.date, obj.kind, obj.description = region, date, kind, description
    if evidence is not None:
        obj.evidence = evidence
    obj.entered_by = actor
    obj._history_user = actor
    obj.full_clean()
    obj.save()
    _changed(VetoEvent, region.pk, date.year, old_year)
    return obj


@transaction.atomic
def veto_event_delete(*, actor, event: VetoEvent) -> None:
    _require_reviewer(actor, event.region_id)
    event.delete()
    _changed(VetoEvent, event.region_id, event.date.year)


@transaction.atomic
def region_assessment_year_set(*, actor, region: Region, year: int | None) -> Region:
    """Set (or, with None, clear) the year a region's pages open on when none is asked for."""
    _require_reviewer(actor, region.pk)
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError({"year": str(YEAR_RANGE_MESSAGE)}, code="year")
    region.assessment_year = year
    region.save(update_fields=["assessment_year"])
    return region


@transaction.atomic
def year_lock(*, actor, region: Region, year: int) -> YearLock:
    _require_reviewer(actor, region.pk)
    obj, _created = YearLock.objects.select_for_update().get_or_create(
        region=region, year=year, defaults={"changed_by": actor}
    )
    if not _created:
        if obj.locked:
            raise ValidationError(_("The year %(year)s is already locked.") % {"year": year})
        obj.locked, obj.reopen_reason, obj.changed_by = True, "", actor
        obj._history_user = actor
        obj.save()
    _changed(YearLock, region.pk, year)
    return obj


@transaction.atomic
def year_reopen(*, actor, region: Region, year: int, reason: str) -> YearLock:
    _require_reviewer(actor, region.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    obj = YearLock.objects.select_for_update().filter(region=region, year=year).first()
    if obj is None or not obj.locked:
        raise ValidationError(_("The year %(year)s is not locked.") % {"year": year})
    obj.locked, obj.reopen_reason, obj.changed_by = False, reason, actor
    obj._history_user = actor
    obj.save()
    _changed(YearLock, region.pk, year)
    return obj
