"""The indicator table as an Excel workbook: the header and summary above, one row per
indicator below. Text is written as text cells (never a formula)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dossier.table import IndicatorTable
from zhonglou.spreadsheets import set_text


def table_workbook(table: IndicatorTable) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Indicator table")[:31]
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    _write(sheet, 1, [_("Indicator completion table")], bold=True)
    line = 2
    for text in table.header_lines() + table.summary_lines() + table.missing_lines():
        _write(sheet, line, [text])
        line += 1
    line += 1
    table_header_row = line
    _write(sheet, line, table.column_titles(), bold=True)
    for row in table.rows:
        line += 1
        _write(sheet, line, table.row_cells(row))
    sheet.freeze_panes = sheet.cell(row=table_header_row + 1, column=1)
    for index in range(1, len(table.column_titles()) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 12
    for column, width in zip("ABDF", (10, 18, 28, 24), strict=True):
        sheet.column_dimensions[column].width = width
    return book


def table_header_row(sheet) -> int:
    """The row of the column titles (the first row whose third cell is filled): for readers
    of the workbook, tests included."""
    for row in sheet.iter_rows(min_col=3, max_col=3):
        if row[0].value not in (None, ""):
            return row[0].row
    raise ValueError("no table in the sheet")


def _write(sheet, line: int, cells: list[str], bold: bool = False) -> None:
    for column, text in enumerate(cells, start=1):
        cell = sheet.cell(row=line, column=column)
        set_text(cell, str(text))
        cell.alignment = Alignment(wrap_text=column > 1 or len(cells) > 1, vertical="top")
        if bold:
            cell.font = Font(bold=True)


def table_xlsx(table: IndicatorTable) -> bytes:
    buffer = io.BytesIO()
    table_workbook(table).save(buffer)
    return buffer.getvalue()
