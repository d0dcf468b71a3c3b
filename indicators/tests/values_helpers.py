"""Helpers shared by the data-entry workflow tests (values, Excel, admin): values in a given
state, evidence uploads, workbooks and admin responses."""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators import excel, services
from indicators.models import IndicatorValue, Region
from tests.factories import element, make_value, pdf_upload  # noqa: F401

STRAW = "straw_utilization_rate"  # percentage, agriculture's
FILM = "agricultural_film_recovery_rate"  # percentage, agriculture's
MANURE = "livestock_manure_utilization_rate"  # percentage, agriculture's
ECO_PLAN = "eco_plan"  # yes/no, ecology's
PM25 = "pm25_annual_mean"  # number in μg/m³ (0–300), ecology's

VALUES_URL = "admin:indicators_indicatorvalue"


def entered(actor, region: Region, key: str, year: int, value=None, answer=None, **kwargs):
    """A draft entered through the service; returns the value."""
    return services.value_save(
        actor=actor,
        region=region,
        data_element=element(key),
        year=year,
        value=None if value is None else Decimal(str(value)),
        answer=answer,
        **kwargs,
    ).value


def approved(clerk, reviewer, region: Region, key: str, year: int, value) -> IndicatorValue:
    """A value carried through the whole workflow: entered, submitted, approved."""
    saved = entered(clerk, region, key, year, value)
    services.value_submit(value=saved, actor=clerk)
    return services.value_approve(value=saved, actor=reviewer)


def refreshed(value: IndicatorValue) -> IndicatorValue:
    return IndicatorValue.objects.get(pk=value.pk)


def url(name: str, *args, **kwargs) -> str:
    return reverse(f"{VALUES_URL}_{name}", args=args, kwargs=kwargs or None)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def is_login_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(
        (reverse("admin:login"), reverse("login"))
    )


# --- workbooks ---------------------------------------------------------------------------


def header() -> list[str]:
    return [column.title for column in excel.template_columns()]


def column_letter(key: str) -> str:
    """The column letter of a template column (``value`` → ``I``)."""
    from openpyxl.utils import get_column_letter

    keys = [column.key for column in excel.template_columns()]
    return get_column_letter(keys.index(key) + 1)


def upload_workbook(rows: list[dict]) -> Workbook:
    """A filled-in template: the header, then one row per dict (template column keys)."""
    wb = Workbook()
    ws = wb.active
    keys = [column.key for column in excel.template_columns()]
    ws.append(header())
    for row in rows:
        ws.append([row.get(key) for key in keys])
    return wb


def xlsx_file(wb: Workbook, name: str = "filled.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def open_xlsx(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))
