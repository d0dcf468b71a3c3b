"""The indicator table and the report's data appendix as Word documents (python-docx).

A4 landscape, the fonts of government documents: 仿宋_GB2312 for the text, 黑体 for headings,
宋体 for the table; Word substitutes its installed equivalents and LibreOffice the Noto CJK
fonts (Noto Serif CJK SC, Noto Sans CJK SC), which the PDF names explicitly.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from dossier.table import IndicatorTable, Row
from zhonglou.bilingual import localized, localized_list

FONT_TEXT = "仿宋_GB2312"
FONT_HEADING = "黑体"
FONT_TABLE = "宋体"
FONT_LATIN = "Times New Roman"


def _font(run_or_style, east_asian: str, size: float) -> None:
    font = run_or_style.font
    font.name = FONT_LATIN
    font.size = Pt(size)
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asian)


def _document(landscape: bool) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0 if landscape else 2.6))
    section.top_margin = section.bottom_margin = Cm(2.0)
    _font(doc.styles["Normal"], FONT_TEXT, 12)
    return doc


def _header(doc, table: IndicatorTable) -> None:
    """The page header: region, edition, year, as-of time and official/provisional."""
    paragraph = doc.sections[0].header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(" · ".join(table.header_lines())), FONT_TEXT, 9)


def _heading(doc, text: str, size: float = 16, center: bool = True) -> None:
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    _font(run, FONT_HEADING, size)


def _line(doc, text: str, size: float = 11) -> None:
    _font(doc.add_paragraph().add_run(text), FONT_TEXT, size)


def _save(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def table_docx(table: IndicatorTable) -> bytes:
    """The indicator table (指标完成情况一览表), with the verdict and what is missing above."""
    doc = _document(landscape=True)
    _header(doc, table)
    _heading(doc, _("Indicator completion table"))
    for text in table.header_lines() + table.summary_lines():
        _line(doc, text)
    missing = table.missing_lines()
    if missing:
        _heading(doc, _("Missing data and who owes it"), size=12, center=False)
        for text in missing:
            _line(doc, text, size=10.5)
    titles = table.column_titles()
    grid = doc.add_table(rows=1, cols=len(titles))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(grid.rows[0].cells, titles, strict=True):
        _cell(cell, title, bold=True)
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, table.row_cells(row), strict=True):
            _cell(cell, text)
    return _save(doc)


def _cell(cell, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    _font(run, FONT_TABLE, 9)


def appendix_docx(table: IndicatorTable) -> bytes:
    """The report's data appendix: a section per domain, one sentence per indicator, for the
    creation office to paste into its report."""
    doc = _document(landscape=False)
    _header(doc, table)
    _heading(doc, _("Data appendix: indicator completion"))
    for domain in table.domains:
        _heading(doc, domain, size=14, center=False)
        for row in table.rows:
            if row.domain == domain:
                _line(doc, f"{row.code} {sentence(table, row)}", size=12)
    return _save(doc)


def sentence(table: IndicatorTable, row: Row) -> str:
    """One sentence on an indicator, from its scorecard row: e.g. 2021年秸秆综合利用率达97%，
    达到≥90%的要求。"""
    item = row.result
    values = {"year": table.card.year, "name": row.name, "target": row.target}
    value = row.values[-1] if row.values else ""
    if row.status_key == "met" and value:
        return _(
            "In %(year)s, %(name)s reached %(value)s, meeting the requirement of %(target)s."
        ) % {
            **values,
            "value": value,
        }
    if row.status_key == "not_met" and value:
        return _(
            "In %(year)s, %(name)s was %(value)s, short of the requirement of %(target)s (%(gap)s)."
        ) % {**values, "value": value, "gap": row.gap or "—"}
    if row.status_key in ("missing", "pending"):
        return _("%(name)s: %(status)s; owed by %(owners)s.") % {
            **values,
            "status": row.status,
            "owners": localized_list(_owners(item), "owners") or "—",
        }
    return localized(item, "explanation") or f"{row.name}：{row.status}"


def _owners(item) -> dict:
    """The owners of an indicator's missing pieces, in both languages, in order."""
    names = dict.fromkeys(n for p in item.missing for n in p.owner_names)
    names_en = dict.fromkeys(n for p in item.missing for n in p.owner_names_en)
    return {"owners": list(names), "owners_en": list(names_en)}
