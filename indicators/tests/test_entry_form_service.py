"""values_save_form, the entry form's batch write: drafts, files, comments and submissions of
many rows at once, all or nothing, every refusal reported on its row; and ``plausibility``,
the check the form shows as one types, which says what saving and submitting would say."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils.translation import gettext

from indicators import services
from indicators.models import DataElement, Evidence, IndicatorValue, ValueComment
from tests import factories

pytestmark = pytest.mark.django_db

YEAR = 2023


def row(key: str, raw: str = "", **fields) -> services.FormRow:
    return services.FormRow(data_element=DataElement.objects.get(key=key), raw=raw, **fields)


def save(actor, region, *rows):
    return services.values_save_form(actor=actor, region=region, year=YEAR, rows=list(rows))


def test_rows_are_saved_as_drafts_and_blank_new_rows_are_left_out(clerk_a, zhonglou):
    report = save(
        clerk_a,
        zhonglou,
        row("straw_utilization_rate", "96.5", source="台账"),
        row("livestock_manure_utilization_rate", ""),
    )
    assert report.saved == 1
    value = IndicatorValue.objects.get(region=zhonglou, year=YEAR)
    assert value.value == Decimal("96.5") and value.source == "台账" and value.status == "draft"


def test_files_comments_and_submission_in_one_call(clerk_a, zhonglou):
    factories.make_value(zhonglou, "straw_utilization_rate", YEAR - 1, value="50")
    report = save(
        clerk_a,
        zhonglou,
        row(
            "straw_utilization_rate",
            "95",
            files=[factories.pdf_upload("a.pdf"), factories.pdf_upload("b.pdf")],
            comment="收储体系建成，利用率大幅提高",
            submit=True,
        ),
    )
    value = IndicatorValue.objects.get(region=zhonglou, year=YEAR)
    assert (report.saved, report.submitted, report.attached) == (1, 1, 2)
    assert value.status == "submitted" and value.evidence.count() == 2
    assert ValueComment.objects.filter(value=value).count() == 1
    assert report.warnings  # the large change is reported, and explained by the comment


def test_a_refusal_writes_nothing_and_removes_the_files_it_stored(clerk_a, zhonglou, settings):
    folder = settings.MEDIA_ROOT / "evidence" / "320404" / str(YEAR)
    before = set(folder.glob("*.pdf"))
    with pytest.raises(services.FormRefused) as refused:
        save(
            clerk_a,
            zhonglou,
            row("straw_utilization_rate", "95", files=[factories.pdf_upload("kept.pdf")]),
            row("livestock_manure_utilization_rate", "95", submit=True),
            row("agricultural_film_recovery_rate", "abc"),
        )
    film = DataElement.objects.get(key="agricultural_film_recovery_rate")
    assert list(refused.value.errors) == [film.pk]
    assert not IndicatorValue.objects.filter(year=YEAR).exists()
    assert not Evidence.objects.exists()
    assert set(folder.glob("*.pdf")) == before


def test_a_submission_refused_on_one_row_writes_nothing(clerk_a, zhonglou):
    factories.make_value(zhonglou, "straw_utilization_rate", YEAR - 1, value="50")
    with pytest.raises(services.FormRefused) as refused:
        save(
            clerk_a,
            zhonglou,
            row("straw_utilization_rate", "95", submit=True),  # a large change, unexplained
            row("livestock_manure_utilization_rate", "95", submit=True),
        )
    straw = DataElement.objects.get(key="straw_utilization_rate")
    assert list(refused.value.errors) == [straw.pk]
    assert not IndicatorValue.objects.filter(year=YEAR).exists()


def test_a_file_of_a_refused_type_is_reported_on_its_row(clerk_a, zhonglou):
    bad = factories.pdf_upload("tool.exe")
    with pytest.raises(services.FormRefused) as refused:
        save(clerk_a, zhonglou, row("straw_utilization_rate", "95", files=[bad]))
    assert (
        "tool.exe"
        in refused.value.errors[DataElement.objects.get(key="straw_utilization_rate").pk][0]
    )


def test_a_stale_row_is_marked(clerk_a, zhonglou):
    save(clerk_a, zhonglou, row("straw_utilization_rate", "95"))
    save(clerk_a, zhonglou, row("straw_utilization_rate", "96", version=1))
    with pytest.raises(services.FormRefused) as refused:
        save(clerk_a, zhonglou, row("straw_utilization_rate", "97", version=1))
    assert refused.value.stale == {DataElement.objects.get(key="straw_utilization_rate").pk}


def test_a_row_of_another_department_is_refused(clerk_a, zhonglou):
    with pytest.raises(services.FormRefused):
        save(clerk_a, zhonglou, row("air_good_days_ratio", "80"))
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    "raw, errors, warnings",
    [("", 0, 0), ("52", 0, 0), ("95", 0, 1), ("150", 2, 0), ("5,5", 1, 0), ("是", 1, 0)],
)
def test_plausibility_says_what_saving_and_submitting_would(catalogue, raw, errors, warnings):
    straw = DataElement.objects.get(key="straw_utilization_rate")
    found = services.plausibility(straw, YEAR, raw, Decimal("50"))
    assert (len(found[0]), len(found[1])) == (errors, warnings)


def test_plausibility_of_a_yes_no_element(catalogue):
    element = DataElement.objects.get(key="eco_plan")
    assert services.plausibility(element, YEAR, "是", None) == ([], [])
    assert services.plausibility(element, YEAR, "maybe", None)[0]


def test_values_submit_writes_the_history_and_refuses_what_value_submit_refuses(
    clerk_a, zhonglou, reviewer
):
    save(
        clerk_a,
        zhonglou,
        row("straw_utilization_rate", "95"),
        row("agricultural_film_recovery_rate", "90"),
    )
    values = list(IndicatorValue.objects.filter(year=YEAR).order_by("pk"))
    stale = IndicatorValue.objects.get(pk=values[1].pk)
    stale.version = 99
    refused = services.values_submit(
        actor=clerk_a, region=zhonglou, year=YEAR, values=[values[0], stale]
    )
    assert list(refused) == [stale.data_element_id]
    assert set(IndicatorValue.objects.values_list("status", flat=True)) == {"draft"}
    assert services.values_submit(actor=clerk_a, region=zhonglou, year=YEAR, values=values) == {}
    first = IndicatorValue.objects.get(pk=values[0].pk)
    assert first.status == "submitted" and first.submitted_by == clerk_a
    assert first.version == values[0].version + 1
    latest = first.history.first()
    assert latest.history_change_reason == gettext("submitted")
    assert latest.history_user == clerk_a and latest.status == "submitted"
    again = services.values_submit(actor=clerk_a, region=zhonglou, year=YEAR, values=[first])
    assert again[first.data_element_id] == gettext(
        "This value is submitted and waits for review; it cannot change now."
    )


def test_values_submit_refuses_another_department_and_a_locked_year(
    clerk_a, clerk_b, zhonglou, reviewer
):
    save(clerk_a, zhonglou, row("straw_utilization_rate", "95"))
    value = IndicatorValue.objects.get(year=YEAR)
    assert services.values_submit(actor=clerk_b, region=zhonglou, year=YEAR, values=[value])
    services.year_lock(region=zhonglou, year=YEAR, actor=reviewer)
    refused = services.values_submit(actor=clerk_a, region=zhonglou, year=YEAR, values=[value])
    assert str(YEAR) in refused[value.data_element_id]
    assert IndicatorValue.objects.get(pk=value.pk).status == "draft"
