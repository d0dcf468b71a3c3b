"""Which snapshots a change can move: every assessment year whose window (or baseline) holds
a changed year, for every edition the region is tracked against, in both modes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from assessments import services
from assessments.models import AssessmentSnapshot
from assessments.tasks import recompute_region
from indicators import services as indicator_services
from indicators.choices import EditionStatus
from indicators.models import CriterionRule, FrameworkEdition, Indicator

from .snapshot_helpers import NOW, PM25, STRAW, current, indicator, refresh, write_value

pytestmark = pytest.mark.django_db

RETENTION = "indicator_aquatic_species_retention"  # 12.3: not lower than the baseline year


def test_the_assessment_years_are_those_whose_window_holds_the_changed_year(zhonglou, catalogue):
    write_value(zhonglou, STRAW, 2015, 90)
    write_value(zhonglou, STRAW, 2022, 90)

    assert services.assessment_years(zhonglou, [2019], catalogue) == [2019, 2020, 2021]
    assert services.assessment_years(zhonglou, [2019, 2020], catalogue) == [2019, 2020, 2021, 2022]
    assert services.assessment_years(zhonglou, [2022], catalogue) == [2022]
    assert services.assessment_years(zhonglou, [], catalogue) == list(range(2015, 2023))


def test_a_region_without_data_or_snapshots_has_nothing_to_recompute(zhonglou, catalogue):
    assert services.assessment_years(zhonglou, [2021], catalogue) == []
    assert services.assessment_years(zhonglou, [], catalogue) == []


def test_a_region_is_tracked_against_its_own_edition_first_then_those_in_force(zhonglou, catalogue):
    assert [e.code for e in services.assessment_editions(zhonglou)] == [
        "jiangsu-county-2019",
        "national-2019",
    ]


def test_region_refresh_covers_every_edition_year_and_mode_a_change_can_move(zhonglou):
    for year in range(2017, 2023):
        write_value(zhonglou, STRAW, year, 95)

    written = services.region_refresh(region=zhonglou, years=[2019], now=NOW)

    keys = set(AssessmentSnapshot.objects.values_list("edition__code", "year", "mode"))
    assert keys == {
        (edition, year, mode)
        for edition in ("jiangsu-county-2019", "national-2019")
        for year in (2019, 2020, 2021)
        for mode in ("official", "provisional")
    }
    assert written == len(keys) == 12


def test_a_change_refreshes_a_stored_verdict_for_a_year_after_the_last_data_year(
    zhonglou, catalogue, reviewer, committed
):
    """The API scores any year: 2022 (window 2020–2022) while the data ends with 2021."""
    write_value(zhonglou, STRAW, 2021, 97)
    assert refresh(zhonglou, catalogue, 2022).verdict == "incomplete"

    with committed():
        indicator_services.veto_event_save(
            actor=reviewer,
            region=zhonglou,
            date=datetime.date(2021, 5, 1),
            kind="summons",
            description="Ministry summons over the river outfalls.",
        )

    assert current(zhonglou, catalogue, 2022).verdict == "not_eligible"


def test_a_change_to_a_baseline_year_refreshes_every_year_compared_with_it(zhonglou, catalogue):
    rule = CriterionRule.objects.get(
        criterion__indicator__edition=catalogue, criterion__indicator__code="12.3"
    )
    # 12.3 is a threshold on its retention rate; a no_decrease rule stands in for one with a
    # baseline year.
    rule.kind, rule.operator, rule.value, rule.baseline_year = "no_decrease", "", None, 2015
    rule.save()
    baseline = write_value(zhonglou, RETENTION, 2015, 90)
    write_value(zhonglou, RETENTION, 2021, 95)
    assert indicator(refresh(zhonglou, catalogue, 2021), "12.3")["status"] == "met"

    baseline.value = Decimal(99)
    baseline.save()
    recompute_region.apply(args=[zhonglou.pk, [2015]]).get()

    assert 2021 in services.assessment_years(zhonglou, [2015], catalogue)
    assert indicator(current(zhonglou, catalogue, 2021), "12.3")["status"] == "not_met"


def test_a_change_to_a_computed_indicators_base_year_refreshes_every_year(zhonglou, catalogue):
    """7.2 with a base year fixed by the higher level: every decline is computed against it."""
    Indicator.objects.filter(edition=catalogue, code="7.2").update(base_year=2015)
    base = write_value(zhonglou, PM25, 2015, 60)
    write_value(zhonglou, PM25, 2021, 45)
    assert indicator(refresh(zhonglou, catalogue, 2021), "7.2")["value_text"] == "25%"

    base.value = Decimal(50)
    base.save()
    assert services.mark_stale(zhonglou.pk, [2015]) > 0
    recompute_region.apply(args=[zhonglou.pk, [2015]]).get()

    assert services.assessment_years(zhonglou, [2015], catalogue) == list(range(2015, 2022))
    assert indicator(current(zhonglou, catalogue, 2021), "7.2")["value_text"] == "10%"


def test_an_edition_not_tracked_for_the_region_is_left_alone(zhonglou, catalogue):
    draft = FrameworkEdition.objects.get(code="national-2019")
    draft.status = EditionStatus.DRAFT
    draft.save()
    write_value(zhonglou, STRAW, 2021, 97)

    services.region_refresh(region=zhonglou, years=[2021], now=NOW)

    assert set(AssessmentSnapshot.objects.values_list("edition__code", flat=True)) == {
        "jiangsu-county-2019"
    }
