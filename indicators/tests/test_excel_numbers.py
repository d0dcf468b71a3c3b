"""Numbers as people type them in Excel and elsewhere: a percent-formatted cell of a % element,
a decimal comma (refused, with what to write instead) and thousands separators."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from indicators.models import IndicatorValue
from indicators.validation import parse_number

from .test_excel import upload
from .values_helpers import STRAW, upload_workbook

pytestmark = pytest.mark.django_db


def percent_cell_workbook(value, number_format: str):
    from indicators import excel

    wb = upload_workbook([{"key": STRAW, "year": 2021, "value": value}])
    ws = wb.worksheets[0]
    column = 1 + [c.key for c in excel.template_columns()].index("value")
    ws.cell(row=2, column=column).number_format = number_format
    return wb


@pytest.mark.parametrize(
    ("typed", "number_format", "stored"),
    [
        (0.97, "0%", Decimal("97")),  # typed "97%": Excel keeps 0.97, shown as a percentage
        (0.975, "0.0%", Decimal("97.5")),
        (97, "General", Decimal("97")),  # typed 97 in a plain cell
        ("97%", "General", Decimal("97")),  # typed as text
    ],
)
def test_a_percent_cell_of_a_percent_element_stores_the_percentage(
    clerk_a, zhonglou, typed, number_format, stored
):
    report = upload(clerk_a, zhonglou, percent_cell_workbook(typed, number_format))
    assert report.ok, report.problems
    (entry,) = report.entries
    assert entry.value == stored


def test_a_percent_upload_lands_as_97_not_0_97(clerk_a, zhonglou):
    from indicators import excel

    from .values_helpers import xlsx_file

    excel.read_upload(xlsx_file(percent_cell_workbook(0.97, "0%")), clerk_a, zhonglou, write=True)
    assert IndicatorValue.objects.get(region=zhonglou, year=2021).value == Decimal("97")


@pytest.mark.parametrize("typed", ["5,5", "97,5%", "1,23", "12,3456", "5，5"])
def test_a_decimal_comma_is_refused_with_a_hint_to_use_a_point(typed):
    with translation.override("en"), pytest.raises(ValueError, match="decimal point"):
        parse_number(typed)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1,234.5", Decimal("1234.5")),
        ("1,234", Decimal("1234")),
        ("12,345,678", Decimal("12345678")),
        ("-1,000.25", Decimal("-1000.25")),
        ("5.5", Decimal("5.5")),
    ],
)
def test_thousands_separators_are_read(typed, number):
    assert parse_number(typed) == number


def test_a_decimal_comma_in_an_upload_is_reported_on_its_row(clerk_a, zhonglou):
    from .values_helpers import upload_workbook as wb_of

    with translation.override("en"):
        report = upload(clerk_a, zhonglou, wb_of([{"key": STRAW, "year": 2021, "value": "5,5"}]))
    assert not report.ok
    assert any("decimal point" in p.message for p in report.problems)
