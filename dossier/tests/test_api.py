"""The dossier's reports through the API: formats, the scorecard's scope (clerks 403, other
districts 404, API keys limited to regions), and the API's error body for bad input."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from dossier.documents.sheet import table_header_row
from dossier.reports import DOCX, PDF, XLSX
from tests.api_helpers import (  # noqa: F401
    API,
    assert_error,
    clear_cache,
    key_client,
    make_key,
    session_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

TABLE = f"{API}regions/320404/reports/indicator-table/"
APPENDIX = f"{API}regions/320404/reports/appendix/"


def test_the_table_comes_as_docx_by_default_and_as_xlsx_and_pdf(demo, reviewer):
    client = session_client(reviewer)
    response = client.get(TABLE, {"year": 2021})
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    rows = Document(io.BytesIO(response.content)).tables[0].rows
    assert any(row.cells[2].text == "25.1" for row in rows)
    response = client.get(TABLE, {"year": 2021, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert table_header_row(sheet) > 1
    response = client.get(TABLE, {"format": "pdf", "mode": "provisional"})
    assert response.status_code == 200 and response["Content-Type"] == PDF
    assert response.content.startswith(b"%PDF")
    assert "provisional-table.pdf" in response["Content-Disposition"]


def test_the_appendix_comes_as_docx_only(demo, leader):
    client = session_client(leader)
    response = client.get(APPENDIX, {"format": "docx"})
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    body = assert_error(client.get(APPENDIX, {"format": "pdf"}), 400)
    assert "docx" in str(body["details"])


def test_clerks_are_refused(demo, clerk_a):
    assert_error(session_client(clerk_a).get(TABLE), 403)
    assert_error(session_client(clerk_a).get(TABLE, {"format": "xlsx"}), 403)


def test_another_district_and_unknown_regions_are_not_found(demo, outsider, reviewer):
    assert_error(session_client(outsider).get(TABLE), 404)
    assert_error(session_client(reviewer).get(f"{API}regions/999999/reports/appendix/"), 404)


def test_anonymous_requests_are_refused(demo, client):
    assert client.get(TABLE).status_code in (401, 403)


@pytest.mark.parametrize(
    "query",
    [{"year": "abc"}, {"year": "1800"}, {"mode": "x"}, {"format": "csv"}, {"edition": "nope"}],
)
def test_bad_input_gets_the_error_body(demo, reviewer, query):
    response = session_client(reviewer).get(TABLE, query)
    assert response.status_code in (400, 404)
    assert_error(response, response.status_code)


def test_a_key_limited_to_another_region_does_not_reach_zhonglou(demo, tianning, superuser):
    key, _ = make_key(superuser, regions=[tianning])
    assert_error(key_client(key).get(TABLE), 404)
    key, _ = make_key(superuser, regions=[demo], name="zhonglou key")
    assert key_client(key).get(TABLE, {"format": "xlsx"}).status_code == 200
