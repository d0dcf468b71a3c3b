"""Excel in and out, because that is how the bureaus work.

* ``build_template``: one row per data element × year of the window for a clerk's department,
  with what is known (code, name, unit, target wording, current value and status) in
  protected columns, and the columns to fill unlocked; plus an instructions sheet.
* ``read_upload`` (+ ``apply_upload``): every row is checked first, by the rules of every
  entry path (``services.values_import``); if any row is wrong nothing is written and every
  error is listed by row and column; otherwise the values land as drafts in one transaction,
  in a constant number of queries.
* ``export_values``: the values of a list, as the list is filtered.

Text from users is always written as text cells, so that a note beginning with ``=``, ``+``,
``-`` or ``@`` can never become a formula in the file, and a formula in an uploaded file is
never evaluated: it is kept as text, and refused where a number is expected.

An upload is bounded before it is read (settings ``UPLOAD_MAX_BYTES``,
``UPLOAD_MAX_UNCOMPRESSED_BYTES``, ``UPLOAD_MAX_CELL_CHARS``, ``UPLOAD_MAX_ROWS``): the file's
size, then the sizes its zip directory gives its members once unzipped (Python's zipfile never
inflates a member beyond the size its directory gives), then every cell's length; the XML is
parsed through defusedxml (openpyxl uses it when installed), and whatever fails while the
rows are read becomes an error of the whole file, never a server error. Messages quote at most
the first characters of a cell.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators import selectors, services
from indicators.choices import ValueKind, ValueState
from indicators.models import DataElement, IndicatorValue, Region
from indicators.validation import parse_answer, parse_number
from zhonglou.spreadsheets import set_text

MAX_UPLOAD_ROWS = services.MAX_IMPORT_ROWS
QUOTE_CHARS = 40  # what a message quotes of a cell
NUMBER_MAX_CHARS = 64  # no number a value may hold is longer, however it is written
MAX_ZIP_MEMBERS = 1000
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
INPUT_FILL = PatternFill("solid", fgColor="FFF8D6")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    editable: bool = False


def template_columns() -> list[Column]:
    return [
        Column("code", _("Code"), 8),
        Column("name", _("Indicator"), 36),
        Column("key", _("Data element key"), 26),
        Column("unit", _("Unit"), 12),
        Column("target", _("Target"), 24),
        Column("year", _("Year"), 7),
        Column("current", _("Current value"), 14),
        Column("status", _("Status"), 10),
        Column("value", _("New value"), 14, editable=True),
        Column("source", _("Source"), 30, editable=True),
        Column("note", _("Note"), 30, editable=True),
        Column("version", _("Version"), 8),
    ]


def _header(ws, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "C2"


@dataclass
class TemplateRow:
    code: str
    name: str
    element: DataElement
    target: str
    year: int
    value: IndicatorValue | None


def template_rows(user, region: Region, years: Sequence[int]) -> list[TemplateRow]:
    """The rows a clerk's template holds: their data elements the region owes (under its
    edition) × the years, in code order."""
    owed = selectors.owed_elements(region, selectors.region_edition(region))
    elements = list(selectors.elements_for_user(user, entry=True).filter(pk__in=owed))
    edition_rows = selectors.element_display(elements, region)
    values = {
        (v.data_element_id, v.year): v
        for v in selectors.values_for_user(user).filter(
            region=region, data_element__in=elements, year__in=years
        )
    }
    rows = []
    for element in sorted(elements, key=lambda e: edition_rows[e.pk].sort_key):
        info = edition_rows[element.pk]
        for year in years:
            rows.append(
                TemplateRow(
                    info.code, info.name, element, info.target, year, values.get((element.pk, year))
                )
            )
    return rows


def build_template(user, region: Region, years: Sequence[int]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Data entry")
    columns = template_columns()
    _header(ws, columns)
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(yes_no)
    for row_index, row in enumerate(template_rows(user, region, years), start=2):
        value = row.value
        cells = {
            "code": row.code,
            "name": row.name,
            "key": row.element.key,
            "unit": row.element.unit,
            "target": row.target,
            "year": row.year,
            "current": value.display() if value else "",
            "status": value.get_status_display() if value else str(ValueState.MISSING.label),
            "value": "",
            "source": "",
            "note": "",
            "version": value.version if value else "",
        }
        for col_index, column in enumerate(columns, start=1):
            cell = ws.cell(row=row_index, column=col_index)
            content = cells[column.key]
            if isinstance(content, str):
                set_text(cell, content)
            else:
                cell.value = content
            if column.editable:
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
        if row.element.value_kind == ValueKind.BOOLEAN:
            yes_no.add(f"I{row_index}")
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.autoFilter = False
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{ws.max_row}"
    _instructions(wb.create_sheet(_("Instructions")), region, years)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _instructions(ws, region: Region, years: Sequence[int]) -> None:
    lines = [
        _("How to fill in this template"),
        _("Region: %(region)s; years: %(years)s.")
        % {"region": region.name, "years": ", ".join(str(y) for y in years)},
        _(
            "Fill in only the yellow columns: New value, Source and Note. The other columns are "
            "protected; do not add, remove or reorder rows or columns."
        ),
        _("Numbers: plain numbers in the unit shown (a percentage as 97 or 97%, not 0.97)."),
        _(
            "Yes/no indicators: answer 是 or 否, and attach the evidence file in the system "
            "before submitting."
        ),
        _("Leave New value empty to keep a row unchanged. Formulas are not accepted."),
        _(
            "Upload the file in the system (Indicator values → Upload template). Every row is "
            "checked first: if any row is wrong, nothing is saved and every error is listed."
        ),
        _("Uploaded values are saved as drafts; submit them in the system for review."),
        _(
            "Submitted values wait for the reviewer and approved values cannot change through "
            "the template; a reviewer returns or reopens them first."
        ),
        _("Generated %(when)s.") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    ]
    ws.column_dimensions["A"].width = 110
    for index, line in enumerate(lines, start=1):
        cell = ws.cell(row=index, column=1)
        set_text(cell, line)
        cell.alignment = Alignment(wrap_text=True)
    ws["A1"].font = Font(bold=True, size=14)


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str  # the column letter and title, e.g. "I（新填报值）"
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class UploadReport:
    """What an upload holds and what became of it: ``entries`` are the filled rows as read,
    ``rows`` those written (or, before writing, to be written), ``skipped`` the rows left
    empty or unchanged, ``problems`` every refusal by row and column."""

    entries: list[services.EntryRow] = field(default_factory=list)
    rows: list[services.RowOutcome] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _cell_text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def quoted(value) -> str:
    """A cell as a message quotes it: its first QUOTE_CHARS characters at most."""
    text = _cell_text(value)
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def _megabytes(size: int) -> str:
    return f"{size / 2**20:g}"


def upload_size_error(file) -> str | None:
    """Why an uploaded workbook may not be opened (too large, or unzipping beyond the limit;
    from the zip's directory, nothing decompressed), or None."""
    size = getattr(file, "size", None)
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        return _("The file is larger than %(mb)d MB.") % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return _("This is not an Excel (.xlsx) file.")
    finally:
        file.seek(0)
    unzipped = sum(member.file_size for member in members)
    if len(members) > MAX_ZIP_MEMBERS or unzipped > settings.UPLOAD_MAX_UNCOMPRESSED_BYTES:
        return _(
            "Unzipped, the file would take more than %(mb)s MB; an Excel template of values "
            "is far smaller: check what the file holds."
        ) % {"mb": _megabytes(settings.UPLOAD_MAX_UNCOMPRESSED_BYTES)}
    return None


def _column_label(columns: Sequence[Column], key: str) -> str:
    index = next(i for i, c in enumerate(columns, start=1) if c.key == key)
    return f"{get_column_letter(index)}（{columns[index - 1].title}）"


# The column of the template that each field of the import service's report is about.
FIELD_COLUMNS = {
    "data_element": "key",
    "year": "year",
    "value": "value",
    "version": "version",
    "source": "source",
    "note": "note",
}


def read_upload(file, user, region: Region, *, write: bool = False) -> UploadReport:
    """Check every row of an uploaded template; with ``write``, also write them (all or
    nothing, through ``services.values_import``) when no row is refused."""
    report = UploadReport()
    columns = template_columns()
    label = _labels()
    refusal = upload_size_error(file)
    if refusal:
        report.problems.append(RowProblem(0, "-", refusal))
        return report
    try:
        wb = load_workbook(file, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for files that are not workbooks
        report.problems.append(RowProblem(0, "-", _("This is not an Excel (.xlsx) file.")))
        return report
    try:
        header_ok = _read_rows(wb.worksheets[0], columns, label, report)
    except Exception:  # truncated or malformed XML, entities, a damaged zip member…
        # The rows are parsed lazily: any failure to parse is the whole file's problem.
        report.entries.clear()
        report.problems = [
            RowProblem(
                0,
                "-",
                _(
                    "The file is damaged and could not be read; save it again in Excel (or "
                    "download a new template) and upload it again."
                ),
            )
        ]
        return report
    finally:
        wb.close()
    if header_ok:  # the rules are checked even when some cells could not be read
        _import(report, user, region, write=write and report.ok)
    return report


def _labels() -> dict[str, str]:
    columns = template_columns()
    return {c.key: _column_label(columns, c.key) for c in columns}


def _read_rows(ws, columns, label, report: UploadReport) -> bool:
    """Read the filled rows into ``report.entries``; False when the header is not ours."""
    # Cells, not values only: a value cell's number format says whether Excel shows it as a
    # percentage (a cell typed "97%" holds 0.97).
    rows = ws.iter_rows()
    header = [_cell_text(c.value) for c in next(rows, ())]
    # A template downloaded in one language may be uploaded with the site in the other.
    expected = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            expected.append([c.title for c in template_columns()])
    if not any(header[: len(titles)] == titles for titles in expected):
        report.problems.append(
            RowProblem(1, "-", _("The header row is not the template's; download a new template."))
        )
        return False
    elements = {e.key: e for e in DataElement.objects.all()}
    keys = [c.key for c in columns]
    padding = [None] * len(columns)
    for row_number, raw in enumerate(rows, start=2):
        if row_number - 1 > MAX_UPLOAD_ROWS:
            report.problems.append(
                RowProblem(
                    row_number, "-", _("Too many rows (at most %(n)d).") % {"n": MAX_UPLOAD_ROWS}
                )
            )
            break
        values = [c.value for c in raw]
        cells = dict(zip(keys, values + padding, strict=False))
        if all(v in (None, "") for v in cells.values()):
            continue
        if _too_long(row_number, cells, label, report):
            continue
        value_index = keys.index("value")
        value_cell = raw[value_index] if value_index < len(raw) else None
        cells["value_format"] = getattr(value_cell, "number_format", None) or ""
        entry = _read_row(row_number, cells, label, elements, report)
        if entry is not None:
            report.entries.append(entry)
    return True


def _too_long(row_number, cells, label, report) -> bool:
    """Report every cell of the row longer than the limit; True if there was one."""
    limit = settings.UPLOAD_MAX_CELL_CHARS
    found = False
    for key, value in cells.items():
        if isinstance(value, str) and len(value) > limit:
            found = True
            report.problems.append(
                RowProblem(
                    row_number,
                    label[key],
                    _("The cell holds %(n)d characters; at most %(max)d are accepted.")
                    % {"n": len(value), "max": limit},
                )
            )
    return found


def _read_row(row_number, cells, label, elements, report) -> services.EntryRow | None:
    def bad(column: str, message: str) -> None:
        report.problems.append(RowProblem(row_number, label[column], message))

    key = _cell_text(cells["key"])
    element = elements.get(key)
    if element is None:
        bad(
            "key",
            _("“%(key)s” is not one of your department's data elements.") % {"key": quoted(key)},
        )
        return None
    try:
        year = int(str(cells["year"]).strip())
    except (TypeError, ValueError):
        bad("year", _("“%(year)s” is not a year.") % {"year": quoted(cells["year"])})
        return None
    raw_value = cells["value"]
    if raw_value is None or _cell_text(raw_value) == "":
        report.skipped += 1
        return None
    number = answer = None
    text = _cell_text(raw_value)
    if isinstance(raw_value, str) and text.startswith("="):
        bad("value", _("Formulas are not accepted; enter the value itself."))
        return None
    if len(text) > NUMBER_MAX_CHARS:  # no answer or number is this long: quote its start only
        if element.value_kind == ValueKind.BOOLEAN:
            bad("value", _("Answer 是 (yes) or 否 (no), not “%(text)s”.") % {"text": quoted(text)})
        else:
            bad("value", _("“%(text)s” is not a number.") % {"text": quoted(text)})
        return None
    try:
        if element.value_kind == ValueKind.BOOLEAN:
            answer = parse_answer(raw_value)
        else:
            number = parse_number(raw_value)
            if _shown_as_percent(raw_value, cells["value_format"], element):
                number *= 100  # Excel stores "97%" as 0.97; the element's unit is already %
    except ValueError as exc:
        bad("value", str(exc))
        return None
    version = cells["version"]
    try:
        version = int(version) if version not in (None, "") else None
    except (TypeError, ValueError):
        bad("version", _("The version column was changed; download a new template."))
        return None
    return services.EntryRow(
        row=row_number,
        data_element=element,
        year=year,
        value=number,
        answer=answer,
        source=_cell_text(cells["source"]) or None,  # left empty: keep the stored one
        note=_cell_text(cells["note"]) or None,
        version=version,
    )


def _shown_as_percent(raw_value, number_format: str, element: DataElement) -> bool:
    """A number cell of a % element that Excel formats as a percentage ("0%", "0.0%")."""
    numeric = isinstance(raw_value, int | float) and not isinstance(raw_value, bool)
    return numeric and element.unit == "%" and "%" in number_format


def _said(issue) -> str:
    """An import issue as the template's reader needs it: a row changed in the system since
    the download asks for a new template (no version numbers, no one blamed)."""
    if issue.code in ("stale", "gone"):
        return _(
            "This value was changed in the system after your template was downloaded, so this "
            "row was not saved. Please download a new template, which shows the current value, "
            "and enter your change there."
        )
    return issue.message


def _import(report: UploadReport, user, region: Region, *, write: bool) -> None:
    label = _labels()
    try:
        result = services.values_import(user, region, report.entries, dry_run=not write)
    except services.ImportRefused as refused:
        report.problems += [
            RowProblem(issue.row, label[FIELD_COLUMNS.get(issue.field, "value")], _said(issue))
            for issue in refused.report.errors
        ]
        report.problems.sort(key=lambda p: p.row)
        return
    except ValidationError as exc:
        report.problems.append(RowProblem(0, "-", " ".join(exc.messages)))
        return
    report.rows = [o for o in result.outcomes if o.action != "unchanged"]
    report.skipped += len(result.outcomes) - len(report.rows)
    report.warnings = [
        _("Row %(row)d: %(warning)s") % {"row": w.row, "warning": w.message}
        for w in result.warnings
    ]
    report.written = write


def apply_upload(report: UploadReport, user, region: Region) -> list[str]:
    """Write a checked upload (all rows in one transaction); returns its warnings."""
    if not report.ok:
        raise ValidationError([str(p) for p in report.problems])
    if not report.written:
        _import(report, user, region, write=True)
        if not report.ok:
            raise ValidationError([str(p) for p in report.problems])
    return report.warnings


def export_values(values: Iterable[IndicatorValue], codes: dict[int, str]) -> bytes:
    """The given values as a workbook (text cells neutralised)."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Indicator values")
    columns = [
        Column("region", _("Region"), 14),
        Column("code", _("Code"), 8),
        Column("name", _("Indicator"), 36),
        Column("key", _("Data element key"), 26),
        Column("year", _("Year"), 7),
        Column("value", _("Value"), 12),
        Column("unit", _("Unit"), 10),
        Column("status", _("Status"), 10),
        Column("source", _("Source"), 30),
        Column("note", _("Note"), 30),
        Column("entered_by", _("Entered by"), 14),
        Column("reviewed_by", _("Reviewed by"), 14),
        Column("updated_at", _("Updated at"), 18),
    ]
    _header(ws, columns)
    for row_index, value in enumerate(values, start=2):
        element = value.data_element
        cells = [
            value.region.name,
            codes.get(element.pk, ""),
            element.name,
            element.key,
            value.year,
            value.value
            if value.value is not None
            else (("是" if value.answer else "否") if value.answer is not None else None),
            element.unit,
            value.get_status_display(),
            value.source,
            value.note,
            value.entered_by.get_username() if value.entered_by else "",
            value.reviewed_by.get_username() if value.reviewed_by else "",
            timezone.localtime(value.updated_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for col_index, content in enumerate(cells, start=1):
            cell = ws.cell(row=row_index, column=col_index)
            if isinstance(content, str):
                set_text(cell, content)
            else:
                cell.value = content
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
