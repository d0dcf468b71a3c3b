"""Writes of the data-entry workflow: values, their status, evidence and comments.

Every function checks the actor's right and the state transition, writes the history row
(django-simple-history, with a change reason) and signals that the region's data changed so
that scores are recomputed after commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.choices import ValueKind, ValueStatus
from indicators.formatting import format_value
from indicators.models import (
    DataElement,
    Evidence,
    IndicatorValue,
    Region,
    ValueComment,
)
from indicators.models.values import (
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    SOURCE_MAX_CHARS,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    YEAR_MAX,
    YEAR_MIN,
    YEAR_RANGE_MESSAGE,
)
from indicators.signals import region_data_changed, value_transitioned
from indicators.validation import is_large_change, value_errors
from zhonglou.errors import ConflictError


class StaleEdit(ConflictError):
    """Someone saved the value after the actor loaded it; nothing was written."""


class ValueExists(StaleEdit):
    """A value for this region, data element and year exists and the writer did not state the
    version they last saw; nothing was written. ``params`` hold the value's ``id`` and
    ``current_version``."""


@dataclass
class SaveResult:
    value: IndicatorValue
    created: bool
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EntryContext:
    """What the rules of entering values read from the database, loaded once per region (for
    one value or for a whole import): which data elements the actor may enter and which years
    are locked."""

    region: Region
    enterable: frozenset[int] | None  # None: every data element (administrators)
    locked_years: frozenset[int]


def entry_context(actor, region: Region, *, element_ids=None, years=None) -> EntryContext:
    """At most two queries, whatever the number of elements and years."""
    return EntryContext(
        region=region,
        enterable=permissions.enterable_elements(actor, region.pk, element_ids),
        locked_years=locked_years(region.pk, years),
    )


def _changed(region_id: int, *years: int) -> None:
    region_data_changed.send(sender=IndicatorValue, region_id=region_id, years=set(years))


year_is_locked = permissions.year_is_locked
locked_years = permissions.locked_years


def check_lengths(**fields: tuple[str | None, int]) -> None:
    """Refuse free text beyond its limit: ``name=(text, limit)``; every field too long is
    reported on its own (the forms and the API check the same limits first)."""
    errors = {
        name: ValidationError(
            _("At most %(max)d characters are accepted (this has %(n)d).")
            % {"max": limit, "n": len(text)},
            code="too_long",
        )
        for name, (text, limit) in fields.items()
        if text and len(text) > limit
    }
    if errors:
        raise ValidationError(errors)


def _locked_error(year: int) -> ValidationError:
    return ValidationError(
        _("The year %(year)s is locked; a reviewer must reopen it before anything changes.")
        % {"year": year},
        code="locked",
    )


def _check_open(region: Region | int, year: int) -> None:
    region_id = region if isinstance(region, int) else region.pk
    if year_is_locked(region_id, year):
        raise _locked_error(year)


def _check_version(value: IndicatorValue, expected_version: int | None) -> None:
    if expected_version is not None and value.version != expected_version:
        raise StaleEdit(
            _(
                "Someone saved this value since you opened it (version %(current)d, you had "
                "%(yours)d). Nothing was overwritten: reload to see their change."
            )
            % {"current": value.version, "yours": expected_version},
            code="stale",
            params={"current_version": value.version},
        )


def _previous_value(region_id: int, element_id: int, year: int) -> Decimal | None:
    previous = IndicatorValue.objects.filter(
        region_id=region_id, data_element_id=element_id, year=year - 1
    ).first()
    return previous.value if previous else None


def large_change_warning(
    element: DataElement, year: int, value: Decimal | None, answer, previous: Decimal | None
) -> str | None:
    """A message when the value moved more than the plausibility band since the year before
    (``previous``, that year's value); no query."""
    if not is_large_change(element, value, previous):
        return None
    return _(
        "%(year)s changed by more than ±%(band)s%% against %(prev_year)s (%(prev)s → %(now)s): "
        "add a comment explaining why before you submit."
    ) % {
        "year": year,
        "band": f"{element.plausibility_band * 100:.0f}",
        "prev_year": year - 1,
        "prev": format_value(element, previous, None),
        "now": format_value(element, value, answer),
    }


def change_warning(value: IndicatorValue) -> str | None:
    """A message when the value moved more than the plausibility band since the year before."""
    previous = _previous_value(value.region_id, value.data_element_id, value.year)
    return large_change_warning(value.data_element, value.year, value.value, value.answer, previous)


def check_entry(
    context: EntryContext,
    *,
    data_element: DataElement,
    year: int,
    value: Decimal | None,
    answer: bool | None,
    existing: IndicatorValue | None,
    expected_version: int | None,
) -> None:
    """The rules of entering a value, on pre-loaded context (no query): every entry path (the
    admin form, the API, the Excel upload, the batch import) runs exactly these.

    An existing value is changed only when the writer states the version they last saw and it
    is still the current one: without a version the write is refused with ``ValueExists``,
    with an older one with ``StaleEdit``."""
    if context.enterable is not None and data_element.pk not in context.enterable:
        raise PermissionDenied(_("You may not enter values of this indicator for this region."))
    if not YEAR_MIN <= year <= YEAR_MAX:
        # Checked here so that it reads as a mistake, not as the constraint's IntegrityError
        # (which value_save would report as a concurrent creation).
        raise ValidationError({"year": str(YEAR_RANGE_MESSAGE)}, code="year")
    if year in context.locked_years:
        raise _locked_error(year)
    errors = value_errors(data_element, value, answer)
    if errors:
        raise ValidationError({"value": errors})
    if existing is None:
        if expected_version is not None:
            raise StaleEdit(
                _("This value no longer exists; reload to see the current values."),
                code="gone",
                params={"current_version": None},
            )
        return
    if expected_version is None:
        raise ValueExists(
            _("There is already a value for this indicator and year; open it to change it."),
            code="exists",
            params={"id": existing.pk, "current_version": existing.version},
        )
    _check_version(existing, expected_version)
    if existing.status not in permissions.EDITABLE_STATUSES:
        raise ValidationError(_editable_message(existing), code="status")


_LOOK_UP = object()


def check_value_save(
    *,
    actor,
    region: Region,
    data_element: DataElement,
    year: int,
    value: Decimal | None,
    answer: bool | None,
    existing: IndicatorValue | None = _LOOK_UP,
    expected_version: int | None,
) -> None:
    """Raise what ``value_save`` would refuse, without writing (forms call it to report every
    problem before anything is written). ``existing`` is the stored value if the caller holds
    it (None: there is none); left out, it is looked up."""
    if existing is _LOOK_UP:
        existing = IndicatorValue.objects.filter(
            region=region, data_element=data_element, year=year
        ).first()
    check_entry(
        entry_context(actor, region, element_ids=[data_element.pk], years=[year]),
        data_element=data_element,
        year=year,
        value=_as_decimal(value),
        answer=answer,
        existing=existing,
        expected_version=expected_version,
    )


@transaction.atomic
def value_save(
    *,
    actor,
    region: Region,
    data_element: DataElement,
    year: int,
    value: Decimal | None = None,
    answer: bool | None = None,
    source: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> SaveResult:
    """Create a draft, or update a draft / returned value (a returned value becomes a draft).

    One behaviour when the value exists: it is updated only when ``expected_version`` (the
    version the writer last saw) is given and current; otherwise nothing is written and
    ``ValueExists`` (no version given) or ``StaleEdit`` (an older one) is raised."""
    value = _as_decimal(value)
    check_lengths(source=(source, SOURCE_MAX_CHARS), note=(note, TEXT_MAX_CHARS))
    obj = (
        IndicatorValue.objects.select_for_update()
        .filter(region=region, data_element=data_element, year=year)
        .first()
    )
    check_value_save(
        actor=actor,
        region=region,
        data_element=data_element,
        year=year,
        value=value,
        answer=answer,
        existing=obj,
        expected_version=expected_version,
    )
    created = obj is None
    if created:
        obj = IndicatorValue(region=region, data_element=data_element, year=year)
    else:
        obj.version += 1
    obj.value, obj.answer, obj.source, obj.note = value, answer, source, note
    obj.status = ValueStatus.DRAFT
    obj.entered_by, obj.entered_at = actor, timezone.now()
    obj._change_reason = _("entered") if created else _("edited")
    obj._history_user = actor
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise _created_meanwhile() from None
    _changed(region.pk, year)
    warning = change_warning(obj)
    return SaveResult(obj, created, [warning] if warning else [])


def _created_meanwhile() -> StaleEdit:
    # Another request created the same region-element-year between our read and write.
    return StaleEdit(
        _("Someone created this value at the same moment; reload and try again."), code="stale"
    )


def _as_decimal(value) -> Decimal | None:
    """Callers pass Decimals; an int (or a float from a script) is taken at its written value."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _editable_message(value: IndicatorValue) -> str:
    if value.status == ValueStatus.APPROVED:
        return _("This value is approved; a reviewer must reopen it before it can change.")
    return _("This value is submitted and waits for review; it cannot change now.")


def _locked_for_update(value: IndicatorValue) -> IndicatorValue:
    return (
        IndicatorValue.objects.select_for_update().select_related("data_element").get(pk=value.pk)
    )


def _transition(
    value: IndicatorValue,
    action: str,
    *,
    actor,
    reason: str,
    refusal: str,
    expected_version: int | None,
    check: Callable[[IndicatorValue], None] | None = None,
    **fields,
) -> IndicatorValue:
    allowed_from, to = permissions.TRANSITIONS[action]
    obj = _locked_for_update(value)
    _check_four_eyes(actor, obj, action)  # on the row as locked, not as the caller read it
    _check_version(obj, expected_version)
    _check_open(obj.region_id, obj.year)
    if obj.status not in allowed_from:
        raise ValidationError(
            f"{refusal} " + _("This value is %(status)s.") % {"status": obj.get_status_display()},
            code="status",
        )
    if check:
        check(obj)
    obj.status = to
    for name, new in fields.items():
        setattr(obj, name, new)
    obj.version += 1
    obj._change_reason = reason
    obj._history_user = actor
    obj.save()
    _changed(obj.region_id, obj.year)
    value_transitioned.send(
        sender=IndicatorValue,
        action=action,
        value=obj,
        actor=actor,
        reason=fields.get("return_reason", ""),
    )
    return obj


def check_submittable(
    obj: IndicatorValue, *, has_evidence: bool, explained: bool, previous: Decimal | None
) -> None:
    """What a value needs before it is submitted, on pre-loaded facts (no query): a value, an
    evidence file for a yes/no answer, a comment when it moved beyond the plausibility band
    since ``previous`` (last year's value). ``value_submit`` and the entry form's batch
    submission both apply it."""
    if obj.is_empty:
        raise ValidationError(_("Enter a value before submitting."), code="empty")
    if obj.data_element.value_kind == ValueKind.BOOLEAN and not has_evidence:
        raise ValidationError(
            _("A yes/no indicator needs at least one evidence file before it is submitted."),
            code="evidence",
        )
    warning = large_change_warning(obj.data_element, obj.year, obj.value, obj.answer, previous)
    if warning and not explained:
        raise ValidationError(warning, code="explain")


def _submit_check(obj: IndicatorValue) -> None:
    check_submittable(
        obj,
        has_evidence=obj.evidence.exists(),
        explained=obj.comments.exists(),
        previous=_previous_value(obj.region_id, obj.data_element_id, obj.year),
    )


@transaction.atomic
def value_submit(*, value: IndicatorValue, actor, expected_version: int | None = None):
    if not permissions.may_act(actor, value, permissions.SUBMIT):
        raise PermissionDenied(_("You may not submit values of this indicator."))
    return _transition(
        value,
        permissions.SUBMIT,
        actor=actor,
        reason=_("submitted"),
        refusal=_("Only draft or returned values can be submitted."),
        expected_version=expected_version,
        check=_submit_check,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )


def _check_four_eyes(actor, value: IndicatorValue, action: str) -> None:
    if action in permissions.REVIEW_DECISIONS and permissions.is_own_value(actor, value):
        raise PermissionDenied(
            _("You entered or submitted this value: another reviewer must approve or return it.")
        )


def _require_reviewer(actor, value: IndicatorValue, action: str) -> None:
    _check_four_eyes(actor, value, action)
    if not permissions.may_act(actor, value, action):
        raise PermissionDenied(_("Only a reviewer of this region may review values."))


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")}, code="reason")
    check_lengths(reason=(reason, TEXT_MAX_CHARS))
    return reason


@transaction.atomic
def value_approve(*, value: IndicatorValue, actor, expected_version: int | None = None):
    _require_reviewer(actor, value, permissions.APPROVE)
    return _transition(
        value,
        permissions.APPROVE,
        actor=actor,
        reason=_("approved"),
        refusal=_("Only submitted values can be approved."),
        expected_version=expected_version,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        return_reason="",
    )


@transaction.atomic
def value_return(*, value: IndicatorValue, actor, reason: str, expected_version: int | None = None):
    _require_reviewer(actor, value, permissions.RETURN)
    return _transition(
        value,
        permissions.RETURN,
        actor=actor,
        reason=_("returned"),
        refusal=_("Only submitted values can be returned."),
        expected_version=expected_version,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        return_reason=_require_reason(reason),
    )


@transaction.atomic
def value_reopen(*, value: IndicatorValue, actor, reason: str, expected_version: int | None = None):
    """An approved value goes back to its department (as returned, with the reason)."""
    _require_reviewer(actor, value, permissions.REOPEN)
    return _transition(
        value,
        permissions.REOPEN,
        actor=actor,
        reason=_("reopened"),
        refusal=_("Only approved values can be reopened."),
        expected_version=expected_version,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        return_reason=_require_reason(reason),
    )


class BulkError(ValidationError):
    """Some of the objects (values, year locks, declarations…) could not take the action;
    none of them did."""

    def __init__(self, failures: list[tuple[object, str]]):
        self.failures = failures
        super().__init__([f"{value}: {message}" for value, message in failures], code="bulk")


def _messages(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc)
    return " ".join(exc.messages)


@transaction.atomic
def objects_bulk(
    action: Callable, objects: Iterable, arguments: Callable[[object], dict], **kwargs
):
    """Apply a service to many objects, all or nothing: ``action(**arguments(obj), **kwargs)``
    for each. Raises BulkError listing every object that failed and why (having written
    nothing); returns how many took it."""
    failures = []
    done = 0
    for obj in objects:
        try:
            with transaction.atomic():
                action(**arguments(obj), **kwargs)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            failures.append((obj, _messages(exc)))
    if failures:
        raise BulkError(failures)
    return done


def values_bulk(action: Callable, values: Iterable[IndicatorValue], **kwargs) -> int:
    """Apply a workflow action to many values, all or nothing. Raises BulkError listing every
    value that failed and why."""
    return objects_bulk(action, values, lambda value: {"value": value}, **kwargs)


@transaction.atomic
def comment_add(*, value: IndicatorValue, actor, text: str) -> ValueComment:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write something.")})
    check_lengths(text=(text, TEXT_MAX_CHARS))
    may = permissions.may_enter(actor, value.region_id, value.data_element_id)
    if not (may or permissions.is_reviewer_of(actor, value.region_id)):
        raise PermissionDenied(_("Only the department and the reviewers may comment."))
    return ValueComment.objects.create(value=value, author=actor, text=text)


def check_evidence_file(upload) -> None:
    """Refuse a file of a type or size that evidence may not have (the admin form calls this
    too, so that it says exactly what ``evidence_add`` would refuse)."""
    name = upload.name or "file"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in EVIDENCE_EXTENSIONS:
        raise ValidationError(
            _("Files of type “%(suffix)s” are not accepted; use one of: %(allowed)s.")
            % {"suffix": suffix or "?", "allowed": ", ".join(EVIDENCE_EXTENSIONS)},
            code="file_type",
        )
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": EVIDENCE_MAX_BYTES // 2**20},
            code="file_size",
        )


@transaction.atomic
def evidence_add(
    *, value: IndicatorValue, actor, upload, title: str, official_source: str = ""
) -> Evidence:
    """Attach a file to a draft or returned value (type and size checked, content hashed)."""
    if not permissions.may_edit_value(actor, value):
        raise PermissionDenied(
            _("Evidence can be added only to your own draft or returned values.")
        )
    _check_open(value.region_id, value.year)
    try:
        check_evidence_file(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from None
    check_lengths(
        title=(title, TITLE_MAX_CHARS), official_source=(official_source, SOURCE_MAX_CHARS)
    )
    name = upload.name or "file"
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        value=value,
        token=secrets.token_hex(16),
        original_name=name[-200:],
        size=upload.size,
        sha256=digest.hexdigest(),
        title=title or name[-TITLE_MAX_CHARS:],
        official_source=official_source,
        uploaded_by=actor,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    _changed(value.region_id, value.year)
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> None:
    if not permissions.may_edit_value(actor, evidence.value):
        raise PermissionDenied(_("Evidence can be removed only from your own draft values."))
    _check_open(evidence.value.region_id, evidence.value.year)
    stored = evidence.file
    value = evidence.value
    evidence.delete()
    _changed(value.region_id, value.year)
    transaction.on_commit(lambda: stored.delete(save=False))
