"""The entry form (填报) of one department, region and year: every row saved as a draft at once,
files attached, comments written and the chosen rows submitted, all or nothing.

The drafts go through ``values_import`` (``check_entry``, the rules of every entry path, in a
constant number of queries); files through ``evidence_add`` (``check_evidence_file``), comments
through ``comment_add`` and submissions through ``value_submit``. A refusal anywhere is reported
on its row and nothing is written: the form shows the page again with what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.models import DataElement, Evidence, IndicatorValue, Region, ValueComment
from indicators.models.values import TEXT_MAX_CHARS
from indicators.validation import parse_answer, parse_number, value_errors

from .imports import EntryRow, ImportRefused, _history, values_import
from .values import (
    _changed,
    _check_version,
    _editable_message,
    _locked_error,
    _messages,
    check_evidence_file,
    check_lengths,
    check_submittable,
    comment_add,
    evidence_add,
    evidence_remove,
    large_change_warning,
)


def plausibility(
    element: DataElement,
    year: int,
    raw: str,
    previous: Decimal | None,
) -> tuple[list[str], list[str]]:
    """What the entry rules say of ``raw`` (the text typed for ``element`` in ``year``) before
    it is saved: ``(errors, warnings)``. Errors are what saving would refuse (not a number, out
    of the plausible range…), warnings what submitting asks to explain (a change against
    ``previous``, last year's value, beyond the element's plausibility band). The form shows
    this as one types; the services apply the same functions (``value_errors``,
    ``large_change_warning``) when saving and submitting."""
    try:
        value, answer = parse_entry(element, raw)
    except ValueError as exc:
        return [str(exc)], []
    errors = value_errors(element, value, answer)
    if errors:
        return errors, []
    warning = large_change_warning(element, year, value, answer, previous)
    return [], [warning] if warning else []


def parse_entry(element: DataElement, raw: str) -> tuple[Decimal | None, bool | None]:
    """The typed text as ``(value, answer)``; blank is neither. Raises ValueError with a
    message for people."""
    raw = (raw or "").strip()
    if not raw:
        return None, None
    if element.is_boolean:
        return None, parse_answer(raw)
    return parse_number(raw), None


@dataclass
class FormRow:
    """One row of the form as posted: the data element's value (``raw``, as typed), source and
    note, the version the clerk loaded, files to attach, evidence ids to remove, a comment to
    add and whether to submit the value."""

    data_element: DataElement
    raw: str = ""
    source: str = ""
    note: str = ""
    version: int | None = None
    files: list = field(default_factory=list)
    remove: list[int] = field(default_factory=list)
    comment: str = ""
    submit: bool = False

    @property
    def key(self) -> int:
        return self.data_element.pk


@dataclass
class FormReport:
    saved: int = 0
    submitted: int = 0
    attached: int = 0
    warnings: dict[int, list[str]] = field(default_factory=dict)


class FormRefused(ValidationError):
    """At least one row was refused; nothing was written. ``errors`` maps each refused row's
    data element id to its messages; ``stale`` holds the ids of rows someone else saved since
    the form was loaded."""

    def __init__(self, errors: dict[int, list[str]], stale: set[int]):
        self.errors = errors
        self.stale = stale
        super().__init__(
            [message for messages in errors.values() for message in messages], code="form"
        )


def values_save_form(*, actor, region: Region, year: int, rows: list[FormRow]) -> FormReport:
    """Save every row of the entry form as a draft (rows with nothing typed and nothing stored
    are left out), attach and remove files, add comments and submit the rows marked to submit;
    all or nothing. Raises ``FormRefused`` with every row's problems, having written nothing
    (files stored on the way are deleted again)."""
    stored_files: list = []
    try:
        return _save_form(actor, region, year, rows, stored_files)
    except BaseException:
        for stored in stored_files:
            stored.delete(save=False)
        raise


@transaction.atomic
def _save_form(actor, region: Region, year: int, rows: list[FormRow], stored_files: list):
    errors: dict[int, list[str]] = {}
    stale: set[int] = set()
    report = FormReport()
    entries = []
    for row in rows:
        try:
            value, answer = parse_entry(row.data_element, row.raw)
        except ValueError as exc:
            errors.setdefault(row.key, []).append(str(exc))
            continue
        for upload in row.files:
            try:
                check_evidence_file(upload)
            except ValidationError as exc:
                errors.setdefault(row.key, []).append(f"{upload.name}: {_messages(exc)}")
        try:
            check_lengths(comment=(row.comment.strip(), TEXT_MAX_CHARS))
        except ValidationError as exc:
            errors.setdefault(row.key, []).append(_messages(exc))
        entries.append(
            EntryRow(
                row=row.key,
                data_element=row.data_element,
                year=year,
                value=value,
                answer=answer,
                source=row.source.strip(),
                note=row.note.strip(),
                version=row.version,
            )
        )
    values = _import(actor, region, year, entries, rows, errors, stale, report)
    for row in rows:
        value = values.get(row.key)
        if value is None or row.key in errors:
            continue
        try:
            _attach(actor, value, row, stored_files, report)
            if row.comment.strip():
                comment_add(value=value, actor=actor, text=row.comment)
        except (ValidationError, PermissionDenied) as exc:
            errors.setdefault(row.key, []).append(_messages(exc))
    chosen = []
    for row in rows:
        if not row.submit or row.key in errors:
            continue
        if values.get(row.key) is None:
            errors.setdefault(row.key, []).append(_("Enter a value before submitting."))
        else:
            chosen.append(values[row.key])
    if chosen and not errors:
        refused = values_submit(actor=actor, region=region, year=year, values=chosen)
        for element_id, message in refused.items():
            errors.setdefault(element_id, []).append(message)
        report.submitted = 0 if refused else len(chosen)
    if errors:
        raise FormRefused(errors, stale)
    return report


def values_submit(
    *, actor, region: Region, year: int, values: list[IndicatorValue]
) -> dict[int, str]:
    """Submit many values of one region and year at once, by the rules of ``value_submit``
    (the actor may enter them, the year is open, each is a draft or returned at the version
    given, ``check_submittable``), in a constant number of queries. Returns the refusals by
    data element id; when there is any, nothing was written."""
    element_ids = [v.data_element_id for v in values]
    enterable = permissions.enterable_elements(actor, region.pk, element_ids)
    locked = year in permissions.locked_years(region.pk, [year])
    current = {
        v.data_element_id: v
        for v in IndicatorValue.objects.select_for_update()
        .filter(region=region, year=year, data_element_id__in=element_ids)
        .select_related("data_element")
        .annotate(
            has_evidence=Exists(Evidence.objects.filter(value=OuterRef("pk"))),
            explained=Exists(ValueComment.objects.filter(value=OuterRef("pk"))),
        )
    }
    previous = dict(
        IndicatorValue.objects.filter(
            region=region, year=year - 1, data_element_id__in=element_ids
        ).values_list("data_element_id", "value")
    )
    refused: dict[int, str] = {}
    for given in values:
        key = given.data_element_id
        obj = current.get(key)
        try:
            if enterable is not None and key not in enterable:
                raise PermissionDenied(_("You may not submit values of this indicator."))
            if obj is None:
                raise ValidationError(_("Enter a value before submitting."), code="empty")
            _check_version(obj, given.version)
            if locked:
                raise _locked_error(year)
            if obj.status not in permissions.TRANSITIONS[permissions.SUBMIT][0]:
                raise ValidationError(_editable_message(obj), code="status")
            check_submittable(
                obj,
                has_evidence=obj.has_evidence,
                explained=obj.explained,
                previous=previous.get(key),
            )
        except (ValidationError, PermissionDenied) as exc:
            refused[key] = _messages(exc)
    if refused:
        return refused
    now = timezone.now()
    for obj in current.values():
        obj.status = permissions.TRANSITIONS[permissions.SUBMIT][1]
        obj.submitted_by, obj.submitted_at = actor, now
        obj.version += 1
        obj.updated_at = now
    IndicatorValue.objects.bulk_update(
        list(current.values()), ["status", "submitted_by", "submitted_at", "version", "updated_at"]
    )
    _history(actor, now, [(obj, "~", _("submitted")) for obj in current.values()])
    _changed(region.pk, year)
    return {}


def _import(actor, region, year, entries, rows, errors, stale, report) -> dict[int, IndicatorValue]:
    """Save the drafts; the stored value of each row (saved now or before), by element id."""
    wanted = {row.key for row in rows if row.raw.strip() or row.files or row.comment.strip()}
    stored = {
        v.data_element_id: v
        for v in IndicatorValue.objects.filter(
            region=region, data_element_id__in=[e.data_element.pk for e in entries], year=year
        )
    }
    # A row nobody typed into and that holds no value stays out (partial is fine).
    entries = [e for e in entries if e.row in wanted or e.row in stored]
    if not entries:
        return stored
    try:
        result = values_import(actor, region, entries)
    except ImportRefused as exc:
        for issue in exc.report.errors:
            errors.setdefault(issue.row, []).append(issue.message)
            if issue.field == "version":
                stale.add(issue.row)
        return {}
    for warning in result.warnings:
        report.warnings.setdefault(warning.row, []).append(warning.message)
    report.saved = result.count("created") + result.count("updated")
    for outcome in result.outcomes:
        if outcome.value is not None:
            stored[outcome.row] = outcome.value
    return stored


def _attach(actor, value: IndicatorValue, row: FormRow, stored_files: list, report) -> None:
    if row.remove:
        for evidence in Evidence.objects.filter(pk__in=row.remove, value=value).select_related(
            "value"
        ):
            evidence_remove(evidence=evidence, actor=actor)
    for upload in row.files:
        evidence = evidence_add(value=value, actor=actor, upload=upload, title="")
        stored_files.append(evidence.file)
        report.attached += 1
