"""The Excel upload holds under bad input: every failure to read a file becomes the whole-file
or per-row error report (never a 500) — numbers too large to format, damaged or hostile sheet
XML, files too large, members that would unzip beyond the limit, cells beyond the cell limit —
and no message quotes more than the first characters of a cell."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from indicators import excel
from indicators.models import IndicatorValue
from indicators.tests.values_helpers import STRAW, upload_workbook, url, xlsx_file

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def as_clerk_a(client, clerk_a):
    client.cookies["django_language"] = "en"
    client.force_login(clerk_a)
    return client


def xlsx_bytes(rows) -> bytes:
    return xlsx_file(upload_workbook(rows)).read()


def with_member(content: bytes, name: str, replace) -> bytes:
    """The workbook with one zip member rewritten by ``replace`` (bytes → bytes)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, replace(data) if item.filename == name else data)
    return out.getvalue()


def post(client, content: bytes):
    return client.post(url("upload"), {"file": SimpleUploadedFile("filled.xlsx", content)})


def report_text(response) -> str:
    return " ".join(str(p) for p in response.context["report"].problems)


@pytest.mark.parametrize(
    "value",
    [1e25, "1e25", "1e309", "1" * 29, 10**28],
    ids=["float-1e25", "text-1e25", "text-1e309", "29-digit-text", "29-digit-number"],
)
def test_a_number_too_large_to_format_is_a_row_error_not_a_500(as_clerk_a, value):
    response = post(as_clerk_a, xlsx_bytes([{"key": STRAW, "year": 2021, "value": value}]))

    assert response.status_code == 200
    assert "digits before the decimal point" in report_text(response)
    assert not IndicatorValue.objects.exists()


def sheet_truncated(xml: bytes) -> bytes:
    return xml[: len(xml) * 2 // 3]


def sheet_with_undefined_entity(xml: bytes) -> bytes:
    return xml.replace(b"<v>2021</v>", b"<v>&undefined;</v>", 1)


def sheet_with_entity_expansion(xml: bytes) -> bytes:
    doctype = (
        b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY %s "%s">' % (name, b"&" + prev + b";" * 1) * 1
            for prev, name in zip([b"a", b"b", b"c", b"d"], [b"b", b"c", b"d", b"e"], strict=True)
        )
        + b"]>"
    )
    head, _sep, rest = xml.partition(b"?>")
    return head + b"?>" + doctype + rest.replace(b"<v>2021</v>", b"<v>&e;</v>", 1)


@pytest.mark.parametrize(
    "damage",
    [sheet_truncated, sheet_with_undefined_entity, sheet_with_entity_expansion],
    ids=["truncated", "undefined-entity", "entity-expansion"],
)
def test_damaged_sheet_xml_is_a_whole_file_error_not_a_500(as_clerk_a, damage):
    good = xlsx_bytes([{"key": STRAW, "year": 2021, "value": 95}] * 3)

    response = post(as_clerk_a, with_member(good, SHEET, damage))

    assert response.status_code == 200
    problems = response.context["report"].problems
    assert [p.row for p in problems] == [0]
    assert "could not be read" in problems[0].message
    assert not IndicatorValue.objects.exists()


def test_a_long_cell_is_refused_and_quoted_by_its_start_only(as_clerk_a, settings):
    settings.UPLOAD_MAX_CELL_CHARS = 2000
    huge = "9" * 1_000_000  # a million-character "number"
    note = "注" * 3000

    response = post(
        as_clerk_a,
        xlsx_bytes(
            [
                {"key": STRAW, "year": 2021, "value": huge},
                {"key": STRAW, "year": 2022, "value": 95, "note": note},
            ]
        ),
    )

    assert response.status_code == 200
    text = report_text(response)
    assert "at most 2000 are accepted" in text
    assert len(response.content) < 100_000
    assert not IndicatorValue.objects.exists()


def test_a_value_cell_longer_than_any_number_is_quoted_by_its_start(clerk_a, zhonglou):
    wb = upload_workbook([{"key": STRAW, "year": 2021, "value": "x" * 500}])

    report = excel.read_upload(io.BytesIO(xlsx_file(wb).read()), clerk_a, zhonglou)

    (problem,) = report.problems
    assert "x" * excel.QUOTE_CHARS + "…" in problem.message
    assert len(problem.message) < 200


def test_a_file_beyond_the_byte_limit_is_refused_before_it_is_opened(as_clerk_a, settings):
    settings.UPLOAD_MAX_BYTES = 4096
    content = xlsx_bytes([{"key": STRAW, "year": 2021, "value": 95, "note": "x" * 100}])

    response = post(as_clerk_a, content)

    assert response.status_code == 200
    assert "larger than" in " ".join(response.context["form"].errors["file"])


def zip_bomb(unzipped: int) -> bytes:
    """A workbook whose sheet holds one cell of ``unzipped`` characters, written in chunks."""
    good = xlsx_bytes([{"key": STRAW, "year": 2021, "value": 95}])
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != SHEET:
                target.writestr(item.filename, data)
                continue
            head, _sep, tail = data.partition(b"<v>95</v>")
            with target.open(SHEET, "w", force_zip64=True) as member:
                member.write(head.replace(b'<c r="I2" t="n">', b'<c r="I2" t="inlineStr">'))
                member.write(b"<is><t>")
                chunk = b"A" * 2**20
                for _ in range(unzipped // len(chunk)):
                    member.write(chunk)
                member.write(b"</t></is>" + tail)
    return out.getvalue()


def test_members_that_would_unzip_beyond_the_limit_are_refused_unread(
    clerk_a, zhonglou, settings, monkeypatch
):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 2 * 2**20
    bomb = zip_bomb(4 * 2**20)
    opened = []
    monkeypatch.setattr(excel, "load_workbook", lambda *a, **k: opened.append(a))

    report = excel.read_upload(io.BytesIO(bomb), clerk_a, zhonglou)

    assert len(bomb) < 64 * 1024
    assert opened == []
    (problem,) = report.problems
    assert "Unzipped, the file would take more than 2 MB" in problem.message


def test_the_batch_api_refuses_a_body_beyond_the_byte_limit_unread(clerk_a, zhonglou, settings):
    from tests.api_helpers import API, session_client

    settings.UPLOAD_MAX_BYTES = 1024
    rows = [{"data_element": STRAW, "year": 2021, "value": "95", "note": "x" * 200_000}]

    response = session_client(clerk_a).post(
        f"{API}values/batch/", {"region": zhonglou.code, "values": rows}, format="json"
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
