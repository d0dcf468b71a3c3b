"""Excel in and out: the clerk's template, the all-or-nothing upload (every error listed by
row and column), formula-looking text kept as text, a 1,000-row file, and the export."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.roles import role_of
from indicators import excel, selectors, services
from indicators.choices import ResponsibilityRole, ValueKind, ValueStatus
from indicators.models import DataElement, IndicatorValue, Responsibility
from indicators.services import imports

from .values_helpers import (
    ECO_PLAN,
    FILM,
    MANURE,
    PM25,
    STRAW,
    column_letter,
    entered,
    header,
    make_value,
    messages_of,
    open_xlsx,
    refreshed,
    upload_workbook,
    url,
    xlsx_file,
)

TOILET = "rural_sanitary_toilet_rate"  # percentage, agriculture's
YEARS = [2019, 2020, 2021]
KEYS = [column.key for column in excel.template_columns()]
COL = {key: index + 1 for index, key in enumerate(KEYS)}  # template column key → number


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def as_clerk_a(client, clerk_a):
    client.cookies["django_language"] = "en"  # pages are Chinese unless switched
    client.force_login(clerk_a)
    return client


def data_rows(ws) -> list[dict]:
    return [dict(zip(KEYS, row, strict=False)) for row in ws.iter_rows(min_row=2, values_only=True)]


def problems(report) -> set[tuple[int, str]]:
    """(row, column letter) of every problem."""
    return {(p.row, p.column.split("（")[0]) for p in report.problems}


def upload(user, region, wb):
    return excel.read_upload(io.BytesIO(xlsx_file(wb).read()), user, region)


# --- the template --------------------------------------------------------------------------


def test_template_has_a_row_per_element_and_year_of_the_clerks_department(clerk_a, zhonglou):
    wb = open_xlsx(excel.build_template(clerk_a, zhonglou, YEARS))
    ws = wb.worksheets[0]

    assert [cell.value for cell in ws[1]] == header()
    rows = data_rows(ws)
    mine = set(selectors.elements_for_user(clerk_a, entry=True).values_list("key", flat=True))
    assert {(row["key"], row["year"]) for row in rows} == {(k, y) for k in mine for y in YEARS}
    assert len(rows) == len(mine) * len(YEARS)
    assert {STRAW, FILM, MANURE, TOILET} <= mine and PM25 not in mine
    straw = next(row for row in rows if row["key"] == STRAW)
    assert (straw["code"], straw["unit"], straw["target"]) == ("25.1", "%", "≥90")
    assert straw["name"]


def test_template_is_protected_except_the_columns_to_fill(clerk_a, zhonglou):
    ws = open_xlsx(excel.build_template(clerk_a, zhonglou, YEARS)).worksheets[0]

    assert ws.protection.sheet
    editable = {column.key for column in excel.template_columns() if column.editable}
    assert editable == {"value", "source", "note"}
    for row in ws.iter_rows(min_row=2):
        for key, cell in zip(KEYS, row, strict=True):
            assert cell.protection.locked is (key not in editable), (cell.coordinate, key)


def test_template_has_an_instructions_sheet(clerk_a, zhonglou):
    wb = open_xlsx(excel.build_template(clerk_a, zhonglou, YEARS))

    assert len(wb.worksheets) == 2
    text = "\n".join(str(c.value) for c in wb.worksheets[1]["A"] if c.value)
    assert "How to fill in this template" in text
    assert zhonglou.name in text and "2019, 2020, 2021" in text


def test_template_shows_the_current_value_status_and_version(clerk_a, reviewer, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2020, "96.5")
    services.value_submit(value=value, actor=clerk_a)

    ws = open_xlsx(excel.build_template(clerk_a, zhonglou, YEARS)).worksheets[0]

    rows = {(row["key"], row["year"]): row for row in data_rows(ws)}
    submitted = rows[STRAW, 2020]
    assert (submitted["current"], submitted["status"]) == ("96.5%", "pending review")
    assert rows[STRAW, 2020]["version"] == 2
    assert (rows[STRAW, 2021]["current"], rows[STRAW, 2021]["status"]) == (None, "owed")
    assert rows[STRAW, 2021]["version"] is None


def test_yes_no_rows_offer_a_list_of_answers(clerk_b, zhonglou):
    ws = open_xlsx(excel.build_template(clerk_b, zhonglou, YEARS)).worksheets[0]

    rows = data_rows(ws)
    plan_rows = [i for i, row in enumerate(rows, start=2) if row["key"] == ECO_PLAN]
    validated = {str(cell) for dv in ws.data_validations.dataValidation for cell in dv.sqref.ranges}
    assert {f"{column_letter('value')}{i}" for i in plan_rows} <= validated


def test_template_view_downloads_the_window_ending_in_the_year(as_clerk_a, zhonglou):
    response = as_clerk_a.get(url("template"), {"year": 2021})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="zhonglou-{zhonglou.code}-2019-2021.xlsx"'
    )
    rows = data_rows(open_xlsx(response.content).worksheets[0])
    assert {row["year"] for row in rows} == set(YEARS)


def test_template_view_without_a_year_shows_the_form(as_clerk_a):
    response = as_clerk_a.get(url("template"))

    assert response.status_code == 200
    assert "form" in response.context


# --- upload: a good file -------------------------------------------------------------------


def fill(content: bytes, values: dict[tuple[str, int], object]) -> io.BytesIO:
    """The template with the New value column filled for the given (key, year) rows."""
    wb = open_xlsx(content)
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        key, year = row[COL["key"] - 1].value, row[COL["year"] - 1].value
        if (key, year) in values:
            row[COL["value"] - 1].value = values[key, year]
            row[COL["source"] - 1].value = "2021年统计年鉴"
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def test_good_file_lands_as_drafts(as_clerk_a, clerk_a, zhonglou):
    template = as_clerk_a.get(url("template"), {"year": 2021}).content
    filled = fill(template, {(STRAW, 2021): 95, (FILM, 2021): "85.5%", (TOILET, 2020): 99})

    response = as_clerk_a.post(url("upload"), {"file": SimpleUploadedFile("f.xlsx", filled.read())})

    assert response.status_code == 302
    assert response["Location"] == url("changelist")
    assert "3 values saved as drafts" in " ".join(messages_of(response))
    saved = {
        (v.data_element.key, v.year): v
        for v in IndicatorValue.objects.filter(region=zhonglou).select_related("data_element")
    }
    assert set(saved) == {(STRAW, 2021), (FILM, 2021), (TOILET, 2020)}
    assert saved[FILM, 2021].value == Decimal("85.5")
    assert {(v.status, v.entered_by, v.source) for v in saved.values()} == {
        (ValueStatus.DRAFT, clerk_a, "2021年统计年鉴")
    }


def test_upload_updates_a_draft_and_skips_unchanged_rows(clerk_a, zhonglou):
    existing = entered(clerk_a, zhonglou, STRAW, 2021, 90, source="年报")
    unchanged = entered(clerk_a, zhonglou, FILM, 2021, 80, source="年报")
    template = excel.build_template(clerk_a, zhonglou, YEARS)
    wb = open_xlsx(fill(template, {(STRAW, 2021): 91, (FILM, 2021): 80}).getvalue())
    for row in wb.worksheets[0].iter_rows(min_row=2):
        row[COL["source"] - 1].value = None  # an empty source keeps the stored one

    report = upload(clerk_a, zhonglou, wb)
    excel.apply_upload(report, clerk_a, zhonglou)

    assert report.ok and [row.data_element.key for row in report.rows] == [STRAW]
    assert (refreshed(existing).value, refreshed(existing).version) == (Decimal(91), 2)
    assert refreshed(existing).source == "年报"
    assert refreshed(unchanged).version == 1


def test_yes_no_answers_in_words(clerk_b, zhonglou):
    wb = upload_workbook(
        [
            {"key": ECO_PLAN, "year": 2020, "value": "是"},
            {"key": ECO_PLAN, "year": 2021, "value": "否"},
        ]
    )

    report = upload(clerk_b, zhonglou, wb)
    excel.apply_upload(report, clerk_b, zhonglou)

    answers = dict(IndicatorValue.objects.filter(region=zhonglou).values_list("year", "answer"))
    assert answers == {2020: True, 2021: False}


def test_upload_is_one_transaction(monkeypatch, clerk_a, zhonglou):
    draft = entered(clerk_a, zhonglou, MANURE, 2021, 70)
    wb = upload_workbook(
        [{"key": k, "year": 2021, "value": 90} for k in (STRAW, FILM)]
        + [{"key": MANURE, "year": 2021, "value": 71, "version": draft.version}]
    )
    report = upload(clerk_a, zhonglou, wb)
    assert report.ok

    def fail(*args, **kwargs):  # the history fails after the values were inserted and updated
        raise services.StaleEdit("Someone saved this value at the same moment.")

    monkeypatch.setattr(imports, "_history", fail)

    with pytest.raises(ValidationError, match="at the same moment"):
        excel.apply_upload(report, clerk_a, zhonglou)

    assert list(IndicatorValue.objects.values_list("data_element__key", flat=True)) == [MANURE]
    assert refreshed(draft).version == 1


# --- upload: a bad file --------------------------------------------------------------------


def bad_workbook():
    wb = upload_workbook(
        [
            {"key": STRAW, "year": 2021, "value": "abc"},  # 2: not a number
            {"key": FILM, "year": 2021, "value": 120},  # 3: percentage above 100
            {"key": "no_such_key", "year": 2021, "value": 50},  # 4: unknown key
            {"key": MANURE, "year": 2021, "value": 80},  # 5: fine
            {"key": MANURE, "year": 2021, "value": 81},  # 6: the same row again
            {"key": TOILET, "year": 2021, "value": "=1+1"},  # 7: a formula
            {"key": STRAW, "year": 2020, "value": 95},  # 8: fine
            {"key": PM25, "year": 2021, "value": 30},  # 9: another department's
            {"key": TOILET, "year": 1999, "value": 90},  # 10: year out of range
            {"key": FILM, "year": "二〇二〇", "value": 90},  # 11: not a year
            {"key": STRAW, "year": 2019, "value": "95.12345"},  # 12: too many decimals
        ]
    )
    assert wb.active.cell(row=7, column=COL["value"]).data_type == "f"  # a real formula
    return wb


BAD_CELLS = {
    (2, "I"),
    (3, "I"),
    (4, "C"),
    (6, "C"),
    (7, "I"),
    (9, "C"),
    (10, "F"),
    (11, "F"),
    (12, "I"),
}


def test_bad_file_lists_every_error_by_row_and_column(clerk_a, zhonglou):
    report = upload(clerk_a, zhonglou, bad_workbook())

    assert not report.ok
    assert problems(report) == BAD_CELLS
    assert len(report.problems) == len(BAD_CELLS) + 1  # 120 % is also beyond plausible max
    text: dict[tuple[int, str], str] = {}
    for p in report.problems:
        cell = (p.row, p.column.split("（")[0])
        text[cell] = f"{text.get(cell, '')} {p.message}"
    assert "is not a number" in text[2, "I"]
    assert "A percentage lies between 0 and 100." in text[3, "I"]
    assert "not one of your department's data elements" in text[4, "C"]
    assert "row 5" in text[6, "C"]
    assert "Formulas are not accepted" in text[7, "I"]
    assert "2000 and 2100" in text[10, "F"]
    with pytest.raises(Exception):  # noqa: B017 - the report refuses to be applied
        excel.apply_upload(report, clerk_a, zhonglou)
    assert not IndicatorValue.objects.exists()


def test_bad_file_through_the_admin_writes_nothing_and_shows_every_error(as_clerk_a):
    response = as_clerk_a.post(url("upload"), {"file": xlsx_file(bad_workbook())})

    assert response.status_code == 200
    assert problems(response.context["report"]) == BAD_CELLS
    html = response.content.decode()
    assert f"Nothing was saved: {len(BAD_CELLS) + 1} problems were found." in html
    for row, letter in BAD_CELLS:
        assert f"<td>{row}</td><td>{letter}（" in html
    assert not IndicatorValue.objects.exists()


def test_rows_that_would_overwrite_submitted_approved_or_newer_values_are_refused(
    clerk_a, reviewer, zhonglou
):
    make_value(zhonglou, STRAW, 2021, status=ValueStatus.APPROVED, value=90)
    make_value(zhonglou, FILM, 2021, status=ValueStatus.SUBMITTED, value=90)
    draft = entered(clerk_a, zhonglou, MANURE, 2021, 70)
    template = excel.build_template(clerk_a, zhonglou, YEARS)
    entered(clerk_a, zhonglou, MANURE, 2021, 71, expected_version=draft.version)  # since then
    entered(clerk_a, zhonglou, TOILET, 2021, 98)  # created after the download
    values = {(STRAW, 2021): 91, (FILM, 2021): 91, (MANURE, 2021): 72, (TOILET, 2021): 99}

    report = excel.read_upload(fill(template, values), clerk_a, zhonglou)

    row = {
        (r["key"], r["year"]): number
        for number, r in enumerate(data_rows(open_xlsx(template).worksheets[0]), start=2)
    }
    v, version = column_letter("value"), column_letter("version")
    assert problems(report) == {
        (row[STRAW, 2021], v),  # approved: a reviewer must reopen it
        (row[FILM, 2021], v),  # submitted: waits for review
        (row[MANURE, 2021], version),  # changed since the download
        (row[TOILET, 2021], version),  # created since the download
    }
    assert refreshed(draft).value == Decimal(71)


def test_locked_year_rows_are_refused(clerk_a, reviewer, zhonglou):
    services.year_lock(actor=reviewer, region=zhonglou, year=2021)

    report = upload(clerk_a, zhonglou, upload_workbook([{"key": STRAW, "year": 2021, "value": 9}]))

    assert problems(report) == {(2, "I")}
    assert "locked" in report.problems[0].message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("values.xlsx", b"this is not a workbook", "This is not an Excel (.xlsx) file."),
        ("values.csv", b"key,year,value\nstraw,2021,95\n", "not an Excel (.xlsx) file"),
        ("empty.xlsx", b"", "not an Excel (.xlsx) file"),
    ],
)
def test_not_an_xlsx_file_is_a_clear_error(as_clerk_a, name, content, message):
    response = as_clerk_a.post(url("upload"), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    if response.context["report"] is None:  # an empty file: the form refuses it itself
        assert response.context["form"].errors
    else:
        assert message in " ".join(p.message for p in response.context["report"].problems)
        assert message in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_workbook_with_another_header_is_refused(clerk_a, zhonglou):
    wb = upload_workbook([{"key": STRAW, "year": 2021, "value": 95}])
    wb.active["I1"] = "Value"

    report = upload(clerk_a, zhonglou, wb)

    assert [(p.row, p.message) for p in report.problems] == [
        (1, "The header row is not the template's; download a new template.")
    ]


# --- formula-looking text stays text -------------------------------------------------------

FORMULA_LOOKING = ["=SUM(A1)", "+1", "-x", "@y", '=HYPERLINK("http://x.example","y")']


@pytest.mark.parametrize("as_text_cell", [False, True], ids=["typed", "text-cell"])
@pytest.mark.parametrize("note", FORMULA_LOOKING)
def test_note_beginning_like_a_formula_is_stored_verbatim(clerk_a, zhonglou, note, as_text_cell):
    wb = upload_workbook([{"key": STRAW, "year": 2021, "value": 95, "note": note, "source": note}])
    if as_text_cell:
        wb.active.cell(row=2, column=COL["note"]).data_type = "s"
        wb.active.cell(row=2, column=COL["source"]).data_type = "s"

    report = upload(clerk_a, zhonglou, wb)
    excel.apply_upload(report, clerk_a, zhonglou)

    saved = IndicatorValue.objects.get(region=zhonglou)
    assert (saved.note, saved.source) == (note, note)


@pytest.mark.parametrize("text", FORMULA_LOOKING)
def test_export_writes_formula_looking_text_as_text_cells(clerk_a, zhonglou, text):
    make_value(zhonglou, STRAW, 2021, note=text, source=text)
    values = IndicatorValue.objects.select_related("region", "data_element", "entered_by")

    ws = open_xlsx(excel.export_values(values, {})).worksheets[0]

    row = {cell.column_letter: cell for cell in ws[2]}
    for cell in (row["I"], row["J"]):  # source and note
        assert (cell.value, cell.data_type) == (text, "s")


def test_template_writes_formula_looking_names_as_text(clerk_a, zhonglou):
    straw = DataElement.objects.get(key=STRAW)
    straw.unit = "=1+1"
    straw.save()

    ws = open_xlsx(excel.build_template(clerk_a, zhonglou, YEARS)).worksheets[0]

    units = [row[COL["unit"] - 1] for row in ws.iter_rows(min_row=2) if row[2].value == STRAW]
    assert {(c.value, c.data_type) for c in units} == {("=1+1", "s")}


# --- 1,000 rows ----------------------------------------------------------------------------


@pytest.fixture
def many_elements(zhonglou, agriculture):
    """334 synthetic percentage elements supplied by the agriculture bureau (× 3 years =
    1,002 rows)."""
    elements = DataElement.objects.bulk_create(
        DataElement(
            key=f"synthetic_{i:03d}",
            name=f"合成指标 {i:03d}",
            value_kind=ValueKind.PERCENTAGE,
            unit="%",
            plausible_min=Decimal(0),
            plausible_max=Decimal(100),
        )
        for i in range(334)
    )
    Responsibility.objects.bulk_create(
        Responsibility(
            region=zhonglou,
            data_element=e,
            department=agriculture,
            role=ResponsibilityRole.LEAD,
        )
        for e in elements
    )
    return elements


def thousand_rows(elements, bad_row: int | None = None):
    rows = [
        {"key": e.key, "year": year, "value": 50 + (i % 40), "note": f"第{i}行"}
        for i, (e, year) in enumerate((e, y) for e in elements for y in YEARS)
    ]
    if bad_row is not None:
        rows[bad_row - 2]["value"] = 150
    return upload_workbook(rows)


def test_thousand_row_upload_succeeds(as_clerk_a, many_elements, zhonglou):
    file = xlsx_file(thousand_rows(many_elements))

    with CaptureQueriesContext(connection) as queries:
        response = as_clerk_a.post(url("upload"), {"file": file})

    assert response.status_code == 302, response.context and response.context["report"].problems
    assert IndicatorValue.objects.filter(region=zhonglou).count() == 1002
    assert IndicatorValue.objects.filter(status=ValueStatus.DRAFT).count() == 1002
    assert IndicatorValue.history.filter(history_change_reason="entered").count() == 1002
    assert "1002 values saved as drafts" in " ".join(messages_of(response))
    # Session, user and role; the catalogue, entry scope, locks and stored values, once; one
    # insert of the values and one of their history rows, in a savepoint; the messages.
    assert len(queries) <= 16, [q["sql"][:80] for q in queries]


def _upload_queries(user, region, wb) -> tuple[int, int]:
    """Queries of checking the file, then of checking and writing it."""
    content = xlsx_file(wb).read()
    with CaptureQueriesContext(connection) as check:
        report = excel.read_upload(io.BytesIO(content), user, region)
    assert report.ok, report.problems[:3]
    with CaptureQueriesContext(connection) as write:
        report = excel.read_upload(io.BytesIO(content), user, region, write=True)
    assert report.ok and report.written, report.problems[:3]
    return len(check), len(write)


def test_ten_rows_and_a_thousand_take_the_same_queries(clerk_a, many_elements, zhonglou):
    role_of(clerk_a)  # read once per request, then kept on the user
    counts_few = _upload_queries(clerk_a, zhonglou, thousand_rows(many_elements[:4]))
    IndicatorValue.objects.all().delete()
    counts_many = _upload_queries(clerk_a, zhonglou, thousand_rows(many_elements))

    assert IndicatorValue.objects.count() == 1002
    assert counts_few == counts_many


def test_a_thousand_updates_take_the_same_queries_as_ten(clerk_a, many_elements, zhonglou):
    def update_all(elements, value):
        rows = [
            {"key": e.key, "year": y, "value": value, "version": v.version}
            for e in elements
            for y, v in [(2021, IndicatorValue.objects.get(data_element=e, year=2021))]
        ]
        with CaptureQueriesContext(connection) as write:
            report = excel.read_upload(
                io.BytesIO(xlsx_file(upload_workbook(rows)).read()), clerk_a, zhonglou, write=True
            )
        assert report.ok and len(report.rows) == len(rows), report.problems[:3]
        return len(write)

    IndicatorValue.objects.bulk_create(
        IndicatorValue(region=zhonglou, data_element=e, year=2021, value=Decimal(60))
        for e in many_elements
    )

    role_of(clerk_a)
    assert update_all(many_elements[:10], 61) == update_all(many_elements, 62)
    assert set(IndicatorValue.objects.values_list("version", flat=True)) == {3, 2}


def test_thousand_row_upload_with_one_bad_row_writes_nothing(as_clerk_a, many_elements):
    wb = thousand_rows(many_elements, bad_row=777)

    response = as_clerk_a.post(url("upload"), {"file": xlsx_file(wb)})

    assert response.status_code == 200
    assert problems(response.context["report"]) == {(777, "I")}
    assert not IndicatorValue.objects.exists()


# --- export --------------------------------------------------------------------------------


def test_export_view_respects_the_changelist_filters(client, reviewer, zhonglou):
    keep = make_value(zhonglou, STRAW, 2021, status=ValueStatus.APPROVED, note="保留")
    make_value(zhonglou, FILM, 2021, status=ValueStatus.DRAFT)
    make_value(zhonglou, STRAW, 2020, status=ValueStatus.APPROVED)
    make_value(zhonglou, PM25, 2021, status=ValueStatus.SUBMITTED, value=30)
    client.force_login(reviewer)

    response = client.get(url("export"), {"year": 2021, "status": "approved"})

    assert response.status_code == 200
    rows = list(open_xlsx(response.content).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [(r[3], r[4], r[9]) for r in rows] == [(STRAW, 2021, "保留")]
    assert rows[0][5] == keep.value


def test_export_lists_every_filtered_row_not_one_page(client, reviewer, zhonglou, many_elements):
    IndicatorValue.objects.bulk_create(
        IndicatorValue(region=zhonglou, data_element=e, year=2021, value=Decimal(60))
        for e in many_elements[:150]
    )  # more than the change list's 100 per page
    client.force_login(reviewer)

    response = client.get(url("export"), {"year": 2021})

    assert open_xlsx(response.content).worksheets[0].max_row == 151


def test_export_shows_answers_and_people(clerk_b, reviewer, zhonglou):
    make_value(zhonglou, ECO_PLAN, 2021, answer=True, entered_by=clerk_b, reviewed_by=reviewer)
    values = IndicatorValue.objects.select_related("region", "data_element", "entered_by")

    ws = open_xlsx(excel.export_values(values, {IndicatorValue.objects.get().data_element_id: "1"}))
    row = [c.value for c in ws.worksheets[0][2]]

    assert (row[0], row[1], row[3], row[5]) == (zhonglou.name, "1", ECO_PLAN, "是")
    assert (row[10], row[11]) == ("clerk_b", "reviewer")
