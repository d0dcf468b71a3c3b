"""The indicator table as DOCX, XLSX and PDF and the data appendix, compared row by row with
the demo's scorecard (read independently through the scorecard's payload)."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook
from pypdf import PdfReader

from dossier.documents.pdf import table_pdf
from dossier.documents.sheet import table_header_row, table_xlsx
from dossier.documents.word import appendix_docx, table_docx
from dossier.table import indicator_table
from dossier.tests.helpers import WINDOW, YEAR, expected_rows, without_place

pytestmark = pytest.mark.django_db

DOMAINS = (
    "Ecological institutions",
    "Ecological security",
    "Ecological space",
    "Ecological economy",
    "Ecological living",
    "Ecological culture",
)


@pytest.fixture
def table(demo, catalogue):
    with translation.override("en"):
        yield indicator_table(region=demo, edition=catalogue, year=YEAR, mode="official")


def test_the_table_holds_every_indicator_of_the_scorecard_in_its_order(table, demo, catalogue):
    with translation.override("en"):
        expected = expected_rows(demo, catalogue)
        assert [without_place(table.row_cells(r)) for r in table.rows] == expected
    assert table.window == WINDOW
    assert len(expected) > 40
    assert table.domains == DOMAINS


def test_the_docx_table_is_a4_landscape_and_every_row_matches_the_scorecard(table, demo, catalogue):
    with translation.override("en"):
        doc = Document(io.BytesIO(table_docx(table)))
        expected = expected_rows(demo, catalogue)
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert round(section.page_width.cm, 1) == 29.7
    grid = doc.tables[0]
    header = [c.text for c in grid.rows[0].cells]
    assert header[:4] == ["Domain", "Task", "No.", "Indicator"]
    assert header[7:10] == ["2019", "2020", "2021"]
    rows = [[c.text for c in row.cells] for row in grid.rows[1:]]
    assert [without_place(r) for r in rows] == expected
    straw = next(r for r in rows if r[2] == "25.1")
    assert straw[0] == "Ecological economy" and straw[9] == "97%" and straw[10] == "met"
    page_header = doc.sections[0].header.paragraphs[0].text
    for part in ("Zhonglou District", "2021", "As of:", "Official: approved values only"):
        assert part in page_header
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Verdict: incomplete data" in text
    assert "Binding indicators met: 8 of 20" in text
    assert "missing data — owed by " in text  # what is missing and who owes it


def test_the_docx_names_the_chinese_government_fonts(table):
    doc = Document(io.BytesIO(table_docx(table)))
    cell_run = doc.tables[0].rows[1].cells[3].paragraphs[0].runs[0]
    fonts = cell_run.element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == (
        "宋体"
    )


def test_the_xlsx_rows_match_the_scorecard(table, demo, catalogue):
    with translation.override("en"):
        sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
        expected = expected_rows(demo, catalogue)
    first = table_header_row(sheet)
    cells = [
        ["" if v is None else str(v) for v in row]
        for row in sheet.iter_rows(min_row=first + 1, values_only=True)
    ]
    assert [without_place(r) for r in cells] == expected
    above = [row[0] for row in sheet.iter_rows(max_row=first - 1, values_only=True) if row[0]]
    assert "Region: Zhonglou District" in above
    assert any(line.startswith("Verdict: incomplete data") for line in above)
    assert any("Provisional" in line or "Official" in line for line in above)


def test_the_provisional_table_says_so(demo, catalogue):
    with translation.override("en"):
        table = indicator_table(region=demo, edition=catalogue, year=YEAR, mode="provisional")
        assert "Provisional: submitted values count too" in table.header_lines()


def test_the_pdf_holds_the_chinese_text_of_the_table(demo, catalogue):
    with translation.override("zh-hans"):
        table = indicator_table(region=demo, edition=catalogue, year=YEAR, mode="official")
        reader = PdfReader(io.BytesIO(table_pdf(table)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert box.width > box.height  # A4 landscape
    for words in ("钟楼区", "秸秆综合利用率", "生态文明建设规划", "常州市钟楼生态环境局", "97%"):
        assert words in text, words


def test_the_appendix_has_a_section_per_domain_and_a_sentence_per_indicator(table):
    with translation.override("en"):
        doc = Document(io.BytesIO(appendix_docx(table)))
    paragraphs = [p.text for p in doc.paragraphs]
    for domain in table.domains:
        assert domain in paragraphs
    assert paragraphs.index(DOMAINS[0]) < paragraphs.index(DOMAINS[-1])
    sentences = [p for p in paragraphs if p.split(" ", 1)[0] in {r.code for r in table.rows}]
    assert len(sentences) == len(table.rows)
    straw = next(p for p in sentences if p.startswith("25.1 "))
    row = next(r for r in table.rows if r.code == "25.1")
    assert straw == (
        f"25.1 In 2021, {row.name} reached 97%, meeting the requirement of {row.target}."
    )
    sewage = next(p for p in sentences if p.startswith("32 "))  # missing in the demo
    assert ": missing data; owed by " in sewage
