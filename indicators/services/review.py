"""Writes that belong to the creation office's reviewers: assigned targets, not-applicable
declarations, veto events and year locks; and the administrators' change of a region's
attributes.

A locked year's verdict stays as it was locked: every write here that can move it is refused
while the year is locked (an assigned target or a veto event of that year; a declaration or
a region attribute, which count in every year, while any year of the region is locked)."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import scope_of
from indicators import permissions
from indicators.choices import DeclarationStatus
from indicators.models import (
    AssignedTarget,
    DataElement,
    FrameworkEdition,
    Indicator,
    NotApplicableDeclaration,
    Region,
    VetoEvent,
    YearLock,
)
from indicators.models.values import (
    SOURCE_MAX_CHARS,
    TEXT_MAX_CHARS,
    YEAR_MAX,
    YEAR_MIN,
    YEAR_RANGE_MESSAGE,
)
from indicators.signals import region_data_changed

from .values import _check_open, check_evidence_file, check_lengths

# The attributes of a region its verdicts read: they select the criteria (level, terrain,
# eco-zone, city size, coast) and the edition it is assessed against.
REGION_VERDICT_FIELDS = ("level", "terrain", "eco_zone", "city_size", "coastal", "edition")


def _check_no_locked_year(region_id: int, years=None) -> None:
    """Refuse a change that counts in the assessment years ``years`` (every year of the
    region when None) while any of them is locked."""
    locked = sorted(permissions.locked_years(region_id, years))
    if locked:
        raise ValidationError(
            _(
                "This change would move the verdict of the locked years %(years)s; a reviewer "
                "must reopen them first."
            )
            % {"years": ", ".join(str(y) for y in locked)},
            code="locked",
        )


def _veto_years(year: int) -> range:
    """The assessment years a veto event of ``year`` counts in: those whose window holds it,
    and the one whose application year it is (the year before)."""
    window = FrameworkEdition.objects.aggregate(longest=Max("window_years"))["longest"] or 3
    return range(year - 1, year + window)


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
    check_lengths(document=(document, SOURCE_MAX_CHARS))
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
    check_lengths(reason=(reason, TEXT_MAX_CHARS))
    current = NotApplicableDeclaration.objects.filter(region=region, indicator=indicator).first()
    if current is not None and current.status == DeclarationStatus.APPROVED:
        _check_no_locked_year(region.pk)  # proposing again takes an approved one back
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
    if DeclarationStatus.APPROVED in (declaration.status, status):
        _check_no_locked_year(declaration.region_id)  # only an approved one counts
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
    """Record a veto event, or correct one (``event``). ``evidence``: a file to store in the
    evidence store (replacing the event's), False to remove it, None to leave it."""
    _require_reviewer(actor, region.pk)
    if event is not None and event.region_id != region.pk:
        _require_reviewer(actor, event.region_id)
    check_lengths(description=(description, TEXT_MAX_CHARS))
    obj = event or VetoEvent()
    old_year = obj.date.year if obj.pk else date.year
    _check_no_locked_year(region.pk, _veto_years(date.year))
    if obj.pk:
        _check_no_locked_year(obj.region_id, _veto_years(old_year))
    obj.region, obj.date, obj.kind, obj.description = region, date, kind, description
    replaced = None
    if evidence is False:  # cleared (the admin's "clear" box)
        replaced = obj.evidence.name or None
        obj.evidence, obj.evidence_token, obj.evidence_name = "", "", ""
    elif evidence is not None:
        replaced = _store_veto_evidence(obj, evidence)
    obj.entered_by = actor
    obj._history_user = actor
    obj.full_clean()
    obj.save()
    if replaced:
        transaction.on_commit(lambda: VetoEvent.evidence.field.storage.delete(replaced))
    # An event counts for the assessment years whose window or application year holds it.
    _changed(VetoEvent, region.pk, date.year, date.year - 1, old_year, old_year - 1)
    return obj


def _store_veto_evidence(event: VetoEvent, upload) -> str | None:
    """Store the file in the evidence store (checked as a value's evidence is: type and size;
    named by a fresh token, its uploaded name kept aside); returns the name of the file it
    replaces, to delete once the change is committed."""
    try:
        check_evidence_file(upload)
    except ValidationError as exc:
        raise ValidationError({"evidence": exc.error_list}) from None
    replaced = event.evidence.name or None
    name = upload.name or "file"
    event.evidence_token = secrets.token_hex(16)
    event.evidence_name = name[-200:]
    event.evidence.save(name, upload, save=False)
    return replaced


@transaction.atomic
def veto_event_delete(*, actor, event: VetoEvent) -> None:
    _require_reviewer(actor, event.region_id)
    _check_no_locked_year(event.region_id, _veto_years(event.date.year))
    event.delete()
    _changed(VetoEvent, event.region_id, event.date.year, event.date.year - 1)


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
    check_lengths(reason=(reason, TEXT_MAX_CHARS))
    obj = YearLock.objects.select_for_update().filter(region=region, year=year).first()
    if obj is None or not obj.locked:
        raise ValidationError(_("The year %(year)s is not locked.") % {"year": year})
    obj.locked, obj.reopen_reason, obj.changed_by = False, reason, actor
    obj._history_user = actor
    obj.save()
    _changed(YearLock, region.pk, year)
    return obj


def check_region_change(region: Region, changes: dict) -> None:
    """Refuse ``changes`` (field → new value) of a stored region when they move a verdict
    while any of its years is locked (forms call this to say what ``region_update`` would)."""
    moved = [
        name
        for name in REGION_VERDICT_FIELDS
        if name in changes and getattr(region, name) != changes[name]
    ]
    if region.pk and moved:
        _check_no_locked_year(region.pk)


@transaction.atomic
def region_update(*, actor, region: Region, changes: dict) -> Region:
    """Change a region's attributes (administrators); those its verdicts read are refused
    while a year of the region is locked, and their change rescores every year."""
    if not scope_of(actor).administers:
        raise PermissionDenied(_("Only an administrator may change a region."))
    stored = Region.objects.select_for_update().get(pk=region.pk)
    check_region_change(stored, changes)
    moved = any(getattr(stored, n) != changes[n] for n in REGION_VERDICT_FIELDS if n in changes)
    for name, value in changes.items():
        setattr(stored, name, value)
    stored.full_clean()
    stored.save()
    if moved:
        _changed(Region, stored.pk)  # no years: every year of the region
    return stored
