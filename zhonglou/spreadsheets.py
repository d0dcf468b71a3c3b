"""Writing text into spreadsheets safely: the Excel template and exports, and the API's CSV
and XLSX renderers share these."""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

# Text beginning with one of these could be taken for a formula by a spreadsheet program.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def set_text(cell: Cell, text: str) -> None:
    """Write user text as a text cell: never a formula, whatever it begins with. Control
    characters a worksheet cannot hold (e.g. a vertical tab pasted from Word) are dropped
    rather than failing the whole file."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"
