"""CSV and XLSX renderers for tabular endpoints (values, scorecards). Text that a spreadsheet
could take for a formula is neutralised: in CSV it is prefixed with an apostrophe, in XLSX it
is written as a text cell."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from rest_framework.renderers import BaseRenderer

from zhonglou.spreadsheets import FORMULA_PREFIXES, set_text

PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _rows(data) -> list[dict]:
    if data is None:
        return []
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
    if isinstance(data, dict) and "rows" in data:
        data = data["rows"]
    if isinstance(data, dict):
        # An error body or a single object: one row.
        data = [data]
    return [row for row in data if isinstance(row, dict)]


def _flat(value):
    if isinstance(value, (list, tuple)):
        return "; ".join(str(_flat(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_flat(v)}" for k, v in value.items())
    return value


def neutralise(text: str) -> str:
    """Prefix text a spreadsheet would evaluate; a plain signed number (``-1.5``, a decline)
    is data, not a formula, and stays as it is."""
    if not text.startswith(FORMULA_PREFIXES) or PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""  # e.g. 304 Not Modified: no body
        rows = _rows(data)
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so that Excel opens UTF-8 Chinese text correctly
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0].keys()), extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                out = {}
                for key, value in row.items():
                    value = _flat(value)
                    out[key] = neutralise(value) if isinstance(value, str) else value
                writer.writerow(out)
        return buffer.getvalue().encode("utf-8")


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""  # e.g. 304 Not Modified: no body
        rows = _rows(data)
        wb = Workbook()
        ws = wb.active
        if rows:
            ws.append(list(rows[0].keys()))
            for row_index, row in enumerate(rows, start=2):
                for col_index, value in enumerate(row.values(), start=1):
                    cell = ws.cell(row=row_index, column=col_index)
                    value = _flat(value)
                    if isinstance(value, str):
                        set_text(cell, value)
                    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                        cell.value = value
                    elif value is not None:
                        set_text(cell, str(value))
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()
