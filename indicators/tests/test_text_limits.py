"""Free text is bounded: notes, comments, reasons, sources, titles and descriptions have a
limit that the services enforce (whatever the entry path), that the forms show as
``maxlength`` and that the API's serializers check."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from indicators import excel, services
from indicators.admin.forms import CommentForm, IndicatorValueForm, ReasonForm
from indicators.choices import ValueStatus, VetoKind
from indicators.models import Indicator, IndicatorValue
from indicators.models.values import SOURCE_MAX_CHARS, TEXT_MAX_CHARS, TITLE_MAX_CHARS
from indicators.tests.values_helpers import (
    STRAW,
    element,
    entered,
    pdf_upload,
    upload_workbook,
    xlsx_file,
)
from tests.api_helpers import API, session_client

pytestmark = pytest.mark.django_db

LONG = "长" * (TEXT_MAX_CHARS + 1)


def test_a_note_beyond_the_limit_is_refused_by_the_service(clerk_a, zhonglou):
    with pytest.raises(ValidationError) as refused:
        entered(clerk_a, zhonglou, STRAW, 2021, 95, note=LONG)

    assert set(refused.value.error_dict) == {"note"}
    assert not IndicatorValue.objects.exists()


def test_a_source_beyond_the_limit_is_refused_by_the_service(clerk_a, zhonglou):
    with pytest.raises(ValidationError):
        entered(clerk_a, zhonglou, STRAW, 2021, 95, source="s" * (SOURCE_MAX_CHARS + 1))


def test_a_note_at_the_limit_is_accepted(clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95, note="注" * TEXT_MAX_CHARS)

    assert len(value.note) == TEXT_MAX_CHARS


def test_reasons_comments_and_titles_beyond_the_limit_are_refused(clerk_a, reviewer, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    with pytest.raises(ValidationError):
        services.comment_add(value=value, actor=clerk_a, text=LONG)
    with pytest.raises(ValidationError):
        services.evidence_add(
            value=value, actor=clerk_a, upload=pdf_upload(), title="t" * (TITLE_MAX_CHARS + 1)
        )
    services.value_submit(value=value, actor=clerk_a)
    with pytest.raises(ValidationError):
        services.value_return(value=value, actor=reviewer, reason=LONG)

    assert IndicatorValue.objects.get(pk=value.pk).status == ValueStatus.SUBMITTED


def test_the_creation_offices_texts_beyond_the_limit_are_refused(reviewer, zhonglou):
    indicator = Indicator.objects.filter(data_element__isnull=False).first()
    with pytest.raises(ValidationError):
        services.declaration_propose(
            actor=reviewer, region=zhonglou, indicator=indicator, reason=LONG
        )
    with pytest.raises(ValidationError):
        services.veto_event_save(
            actor=reviewer,
            region=zhonglou,
            date=datetime.date(2021, 1, 1),
            kind=VetoKind.SUMMONS,
            description=LONG,
        )
    with pytest.raises(ValidationError):
        services.assigned_target_set(
            actor=reviewer,
            region=zhonglou,
            data_element=element(STRAW),
            year=2021,
            target=Decimal(90),
            document="d" * (SOURCE_MAX_CHARS + 1),
        )
    services.year_lock(actor=reviewer, region=zhonglou, year=2021)
    with pytest.raises(ValidationError):
        services.year_reopen(actor=reviewer, region=zhonglou, year=2021, reason=LONG)


def test_an_uploaded_note_beyond_the_limit_is_a_row_error(clerk_a, zhonglou, settings):
    settings.UPLOAD_MAX_CELL_CHARS = 10 * TEXT_MAX_CHARS  # the service's limit, not the cell's
    wb = upload_workbook([{"key": STRAW, "year": 2021, "value": 95, "note": LONG}])

    with translation.override("en"):
        report = excel.read_upload(io.BytesIO(xlsx_file(wb).read()), clerk_a, zhonglou)

    assert [(p.row, p.column.split("（")[0]) for p in report.problems] == [(2, "K")]
    assert LONG not in str(report.problems[0])


def test_the_forms_show_the_limits_as_maxlength(clerk_a):
    form = type("F", (IndicatorValueForm,), {"user": clerk_a})()

    assert form.fields["note"].widget.attrs["maxlength"] == str(TEXT_MAX_CHARS)
    assert form.fields["source"].widget.attrs["maxlength"] == str(SOURCE_MAX_CHARS)
    assert ReasonForm().fields["reason"].widget.attrs["maxlength"] == str(TEXT_MAX_CHARS)
    assert CommentForm().fields["text"].widget.attrs["maxlength"] == str(TEXT_MAX_CHARS)


def test_the_api_refuses_a_note_beyond_the_limit(clerk_a, zhonglou):
    client = session_client(clerk_a)
    body = {
        "region": zhonglou.code,
        "data_element": STRAW,
        "year": 2021,
        "value": "95",
        "note": LONG,
    }

    response = client.post(f"{API}values/", body, format="json")
    batch = client.post(
        f"{API}values/batch/",
        {"region": zhonglou.code, "values": [{k: v for k, v in body.items() if k != "region"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "note" in response.json()["details"]
    assert batch.status_code == 400
    assert [r["field"] for r in batch.json()["details"]["rows"]] == ["note"]
    assert not IndicatorValue.objects.exists()
