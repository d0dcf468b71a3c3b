"""CSV and XLSX of values and of the scorecard (``?format=``): every matching row, and text a
spreadsheet would evaluate is neutralised (an apostrophe in CSV, a text cell in XLSX)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from indicators.choices import ValueStatus
from tests.api_helpers import (
    API,
    FILM,
    PM25,
    STRAW,
    clear_cache,  # noqa: F401 (fixture)
    make_value,
    session_client,
)

pytestmark = pytest.mark.usefixtures("clear_cache")

FORMULA = '=HYPERLINK("http://evil.example/","点击")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def as_reviewer(reviewer):
    return session_client(reviewer)


@pytest.fixture
def values(zhonglou, tianning):
    """Approved values (so that the official scorecard counts them), one with a formula in
    its note and source, one negative, and a Tianning value the reviewer does not see."""
    approved = ValueStatus.APPROVED
    rows = {
        "formula": make_value(
            zhonglou, STRAW, 2021, value="97", status=approved, note=FORMULA, source=FORMULA
        ),
        "film": make_value(zhonglou, FILM, 2021, value="88", status=approved, note="+1 cmd"),
        "pm25": make_value(zhonglou, PM25, 2021, value="36.9", status=approved, note="@SUM(A1)"),
        "negative": make_value(zhonglou, PM25, 2020, value="-1.5", note="-2+3"),
    }
    make_value(tianning, STRAW, 2021)
    return rows


def read_csv(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel opens UTF-8 Chinese text correctly
    return list(csv.DictReader(io.StringIO(text[1:])))


def read_xlsx(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_values_csv_has_every_matching_row_unpaginated(as_reviewer, values):
    response = as_reviewer.get(f"{API}values/", {"format": "csv", "page_size": 1})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert len(rows) == 4  # not one page of 1; not Tianning's
    assert list(rows[0]) == list(as_reviewer.get(f"{API}values/").json()["results"][0])
    assert {r["region"] for r in rows} == {"320404"}


def test_values_csv_follows_the_filters(as_reviewer, values):
    rows = read_csv(as_reviewer.get(f"{API}values/", {"format": "csv", "data_element": PM25}))
    assert {r["data_element"] for r in rows} == {PM25}


def test_values_csv_neutralises_formula_text(as_reviewer, values):
    rows = {r["id"]: r for r in read_csv(as_reviewer.get(f"{API}values/", {"format": "csv"}))}
    assert rows[str(values["formula"].pk)]["note"] == "'" + FORMULA
    assert rows[str(values["formula"].pk)]["source"] == "'" + FORMULA
    assert rows[str(values["film"].pk)]["note"] == "'+1 cmd"
    assert rows[str(values["pm25"].pk)]["note"] == "'@SUM(A1)"
    assert rows[str(values["negative"].pk)]["note"] == "'-2+3"


def test_values_csv_keeps_a_negative_number_a_number(as_reviewer, values):
    rows = {r["id"]: r for r in read_csv(as_reviewer.get(f"{API}values/", {"format": "csv"}))}
    assert rows[str(values["negative"].pk)]["value"] == "-1.5000"


def test_values_csv_by_accept_header(as_reviewer, values):
    response = as_reviewer.get(f"{API}values/", HTTP_ACCEPT="text/csv")
    assert response["Content-Type"].startswith("text/csv")
    assert len(read_csv(response)) == 4


def test_values_xlsx_writes_formula_text_as_a_text_cell(as_reviewer, values):
    response = as_reviewer.get(f"{API}values/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    ws = read_xlsx(response)
    header = [c.value for c in ws[1]]
    assert header[:3] == ["id", "region", "data_element"]
    assert ws.max_row == 1 + 4
    note = header.index("note") + 1
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=note) for r in range(2, 6)}
    cell = cells[values["formula"].pk]
    assert cell.value == FORMULA and cell.data_type == "s"  # text, never a formula ("f")
    assert all(c.data_type == "s" for c in cells.values())


def test_values_xlsx_keeps_numbers_numbers(as_reviewer, values):
    ws = read_xlsx(as_reviewer.get(f"{API}values/", {"format": "xlsx"}))
    header = [c.value for c in ws[1]]
    assert isinstance(ws.cell(row=2, column=header.index("year") + 1).value, int)
    assert isinstance(ws.cell(row=2, column=header.index("version") + 1).value, int)


def scorecard(client, **params):
    return client.get(f"{API}regions/320404/scorecard/", {"year": 2021, **params})


def test_scorecard_csv_has_one_row_per_indicator(as_reviewer, values):
    indicators = scorecard(as_reviewer).json()["indicators"]
    response = scorecard(as_reviewer, format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert [r["code"] for r in rows] == [i["code"] for i in indicators]
    assert list(rows[0]) == [
        "region",
        "edition",
        "year",
        "mode",
        "verdict",
        "as_of",
        "code",
        "name",
        "type",
        "value",
        "unit",
        "years_used",
        "target",
        "status",
        "gap",
        "explanation",
        "source",
        "departments",
        "owed",
    ]
    straw = next(r for r in rows if r["code"] == "25.1")
    assert straw["value"] == "97%" and straw["status"] == "met"
    assert straw["region"] == "320404" and straw["verdict"] == "incomplete"


def test_scorecard_csv_neutralises_formula_text(as_reviewer, values):
    rows = read_csv(scorecard(as_reviewer, format="csv"))
    straw = next(r for r in rows if r["code"] == "25.1")
    assert straw["source"] == "'" + FORMULA


def test_scorecard_xlsx_writes_formula_text_as_a_text_cell(as_reviewer, values):
    response = scorecard(as_reviewer, format="xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    ws = read_xlsx(response)
    header = [c.value for c in ws[1]]
    code, source = header.index("code") + 1, header.index("source") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=code).value == "25.1")
    cell = ws.cell(row=row, column=source)
    assert cell.value == FORMULA and cell.data_type == "s"


def test_an_error_in_csv_keeps_the_error_fields(as_reviewer, values):
    response = as_reviewer.get(f"{API}regions/320402/scorecard/", {"format": "csv"})
    assert response.status_code == 404
    assert list(read_csv(response)[0]) == ["code", "message", "details"]


def test_xlsx_drops_control_characters_a_worksheet_cannot_hold(as_reviewer, zhonglou):
    """A note pasted from Word may hold a vertical tab: the file is still written (was a
    500)."""
    make_value(zhonglou, STRAW, 2021, note="第一行\x0b第二行\x07")
    response = as_reviewer.get(f"{API}values/", {"format": "xlsx"})
    assert response.status_code == 200
    ws = read_xlsx(response)
    note = [c.value for c in ws[1]].index("note") + 1
    assert ws.cell(row=2, column=note).value == "第一行第二行"


def test_xlsx_of_an_error_echoing_control_characters(as_reviewer, values):
    response = as_reviewer.get(f"{API}values/", {"format": "xlsx", "status": "\x19bad"})
    assert response.status_code == 400
    assert [c.value for c in read_xlsx(response)[1]] == ["code", "message", "details"]
