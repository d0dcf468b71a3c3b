"""Many values of one region at once (the Excel upload, the API's batch endpoint), all or
nothing, in a constant number of queries whatever the number of rows.

What the rules read is loaded once (the actor's entry scope, the year locks, the stored values
of the rows and of the years before them); every row then goes through ``check_entry``, the
very rules of the single-value path. The writes are one insert of the new values
(``zhonglou.db.insert_rows``, which prepares each distinct value once: ``bulk_create`` spent
most of a 1,000-row import preparing 20 fields × 1,000 values), one bulk update of the
changed ones and one insert of all their history rows (user and change reason, as
``value_save`` writes them); one ``region_data_changed`` signal tells the scoring that the
region changed.

On SQLite a statement holds at most the database's parameter limit (32,766 since SQLite 3.32,
see ``zhonglou.db``): some 1,500 rows; PostgreSQL takes any number in one statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.choices import ValueStatus
from indicators.models import DataElement, IndicatorValue, Region
from indicators.models.values import SOURCE_MAX_CHARS, TEXT_MAX_CHARS, YEAR_MAX, YEAR_MIN
from zhonglou.db import insert_rows

from .values import (
    StaleEdit,
    _as_decimal,
    _changed,
    _created_meanwhile,
    check_entry,
    check_lengths,
    entry_context,
    large_change_warning,
)

MAX_IMPORT_ROWS = settings.UPLOAD_MAX_ROWS
VALUE_FIELDS = [f for f in IndicatorValue._meta.concrete_fields if not f.primary_key]
UPDATED_FIELDS = [
    "value",
    "answer",
    "source",
    "note",
    "status",
    "entered_by",
    "entered_at",
    "version",
    "updated_at",
]


@dataclass
class EntryRow:
    """One value to enter. ``row`` is the caller's name for it (a spreadsheet row number, an
    index in a JSON list), used in the report. ``source`` / ``note`` left as None keep what is
    stored (nothing for a new value). ``version`` is the version the writer last saw."""

    row: int
    data_element: DataElement
    year: int
    value: Decimal | None = None
    answer: bool | None = None
    source: str | None = None
    note: str | None = None
    version: int | None = None


@dataclass(frozen=True)
class RowIssue:
    """A problem (or a warning) about one row; ``field`` is the input field it is about
    (data_element, year, value, version) or None for the row as a whole."""

    row: int
    field: str | None
    message: str
    code: str


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class RowOutcome:
    row: int
    data_element: DataElement
    year: int
    action: str  # created, updated or unchanged (also on a dry run: what would happen)
    value: IndicatorValue | None = None  # the stored (or, on a dry run, planned) value


@dataclass
class ImportReport:
    dry_run: bool
    outcomes: list[RowOutcome] = field(default_factory=list)
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)


class ImportRefused(ValidationError):
    """At least one row was refused; nothing was written. ``report.errors`` lists every
    problem by row."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(
            [f"{issue.row}: {issue.message}" for issue in report.errors], code="import"
        )


def _issues(row: int, exc: ValidationError | PermissionDenied) -> list[RowIssue]:
    """The refusal of ``check_entry`` as issues, each on the field it is about."""
    if isinstance(exc, PermissionDenied):
        return [RowIssue(row, "data_element", str(exc), "permission")]
    if isinstance(exc, StaleEdit):
        return [RowIssue(row, "version", m, exc.code or "stale") for m in exc.messages]
    if hasattr(exc, "error_dict"):
        return [
            RowIssue(row, name, message, error.code or "invalid")
            for name, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [RowIssue(row, None, m, exc.code or "invalid") for m in exc.messages]


def _unchanged(stored: IndicatorValue, row: EntryRow) -> bool:
    return (stored.value, stored.answer, stored.source, stored.note) == (
        row.value,
        row.answer,
        row.source or stored.source,
        row.note or stored.note,
    )


def _history(actor, when, entries) -> None:
    """The history rows of written values, as django-simple-history writes them on save: the
    tracked fields, the user and the change reason ("entered" or "edited")."""
    history = IndicatorValue.history.model
    tracked = [f.attname for f in history.tracked_fields]
    insert_rows(
        history,
        [*tracked, "history_date", "history_user_id", "history_change_reason", "history_type"],
        (
            [*(getattr(obj, name) for name in tracked), when, actor.pk, reason, kind]
            for obj, kind, reason in entries
        ),
    )


@transaction.atomic
def values_import(actor, region: Region, rows: list[EntryRow], *, dry_run: bool = False):
    """Enter many values of ``region`` at once, all or nothing; returns an ``ImportReport``
    (on a dry run: what would be written, nothing is) or raises ``ImportRefused`` listing
    every refused row, having written nothing.

    Each row follows the rules of ``value_save`` (``check_entry``): in particular an existing
    value changes only when the row states its current version. A row that would change
    nothing is reported unchanged and is not checked further; an empty source or note keeps
    the stored one. Written values are drafts, their versions bumped as ``value_save`` does."""
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(
            _("Too many rows (at most %(n)d).") % {"n": MAX_IMPORT_ROWS}, code="too_many"
        )
    report = ImportReport(dry_run=dry_run)
    element_ids = {row.data_element.pk for row in rows}
    # Only years that may hold values are looked up (a year out of range is refused below,
    # and one beyond the database's integers must not reach a query).
    years = {row.year for row in rows if YEAR_MIN <= row.year <= YEAR_MAX}
    context = entry_context(actor, region, element_ids=element_ids, years=years)
    stored = {
        (v.data_element_id, v.year): v
        for v in IndicatorValue.objects.select_for_update().filter(
            region=region,
            data_element_id__in=element_ids,
            year__in=years | {year - 1 for year in years},
        )
    }
    seen: dict[tuple[int, int], int] = {}
    planned: list[tuple[EntryRow, IndicatorValue | None]] = []
    for row in rows:
        key = (row.data_element.pk, row.year)
        if key in seen:
            report.errors.append(
                RowIssue(
                    row.row,
                    "data_element",
                    _("The same indicator and year are on row %(row)d too.") % {"row": seen[key]},
                    "duplicate",
                )
            )
            continue
        seen[key] = row.row
        row.value = _as_decimal(row.value)
        existing = stored.get(key)
        if existing is not None and _unchanged(existing, row):
            report.outcomes.append(
                RowOutcome(row.row, row.data_element, row.year, UNCHANGED, existing)
            )
            continue
        try:
            check_lengths(source=(row.source, SOURCE_MAX_CHARS), note=(row.note, TEXT_MAX_CHARS))
            check_entry(
                context,
                data_element=row.data_element,
                year=row.year,
                value=row.value,
                answer=row.answer,
                existing=existing,
                expected_version=row.version,
            )
        except (ValidationError, PermissionDenied) as exc:
            report.errors.extend(_issues(row.row, exc))
            continue
        planned.append((row, existing))
    if report.errors:
        raise ImportRefused(report)

    now = timezone.now()
    new, changed = [], []
    for row, existing in planned:
        obj = existing or IndicatorValue(
            region=region, data_element=row.data_element, year=row.year
        )
        if existing is None:
            obj.version = 1
        else:
            obj.version += 1
        obj.value, obj.answer = row.value, row.answer
        obj.source = row.source or (existing.source if existing else "")
        obj.note = row.note or (existing.note if existing else "")
        obj.status = ValueStatus.DRAFT
        obj.entered_by, obj.entered_at, obj.updated_at = actor, now, now
        obj.data_element = row.data_element  # for messages, without a query
        (changed if existing else new).append(obj)
        stored[row.data_element.pk, row.year] = obj
        action = UPDATED if existing else CREATED
        report.outcomes.append(RowOutcome(row.row, row.data_element, row.year, action, obj))
    for row, _existing in planned:  # once every row is in place: a year may follow its row
        previous = stored.get((row.data_element.pk, row.year - 1))
        warning = large_change_warning(
            row.data_element,
            row.year,
            row.value,
            row.answer,
            previous.value if previous is not None else None,
        )
        if warning:
            report.warnings.append(RowIssue(row.row, "value", warning, "large_change"))
    report.outcomes.sort(key=lambda outcome: outcome.row)
    if dry_run or not planned:
        return report
    if new:
        try:
            with transaction.atomic():
                insert_rows(
                    IndicatorValue,
                    [f.attname for f in VALUE_FIELDS],
                    ([getattr(obj, f.attname) for f in VALUE_FIELDS] for obj in new),
                )
        except IntegrityError:
            raise _created_meanwhile() from None
        # The new rows' keys, by their natural key (region, element, year are unique), so that
        # nothing depends on the order in which the database returns inserted rows.
        keys = {
            (element_id, year): pk
            for pk, element_id, year in IndicatorValue.objects.filter(
                region=region,
                data_element_id__in={obj.data_element_id for obj in new},
                year__in={obj.year for obj in new},
            ).values_list("pk", "data_element_id", "year")
        }
        for obj in new:
            obj.pk, obj._state.adding = keys[obj.data_element_id, obj.year], False
    if changed:
        IndicatorValue.objects.bulk_update(changed, UPDATED_FIELDS)
    _history(
        actor,
        now,
        [(obj, "+", _("entered")) for obj in new] + [(obj, "~", _("edited")) for obj in changed],
    )
    _changed(region.pk, *{row.year for row, _existing in planned})
    return report
