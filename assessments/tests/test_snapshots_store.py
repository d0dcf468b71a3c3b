"""What a snapshot stores, and that recomputing unchanged inputs writes nothing."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from assessments import selectors, services
from assessments.inputs import build_input
from assessments.models import AssessmentSnapshot
from assessments.scoring import assess, fingerprint, result_from_dict, result_to_dict
from indicators.choices import ValueStatus
from indicators.models import FrameworkEdition, Indicator

from .snapshot_helpers import (
    NOW,
    SEWAGE,
    STRAW,
    indicator,
    key_rows,
    refresh,
    write_value,
)

pytestmark = pytest.mark.django_db

LATER = NOW + datetime.timedelta(days=1)


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_a_snapshot_records_its_key_as_of_time_edition_and_input_hash(zhonglou, catalogue):
    write_value(zhonglou, STRAW, 2021, 97)

    snapshot = refresh(zhonglou, catalogue, 2021, "official", now=NOW)

    snapshot.refresh_from_db()
    assert (snapshot.region, snapshot.edition, snapshot.year, snapshot.mode) == (
        zhonglou,
        catalogue,
        2021,
        "official",
    )
    assert snapshot.as_of == NOW
    assert re.fullmatch(r"[0-9a-f]{64}", snapshot.input_hash)
    assert snapshot.input_hash == fingerprint(build_input(zhonglou, catalogue, 2021, "official"))
    assert snapshot.is_current and not snapshot.stale
    assert snapshot.result["edition_code"] == catalogue.code
    assert snapshot.result["window"] == [2019, 2020, 2021]


def test_a_snapshot_holds_every_indicator_of_the_edition_with_its_result(zhonglou, catalogue):
    write_value(zhonglou, STRAW, 2021, 97)

    snapshot = refresh(zhonglou, catalogue)

    codes = Indicator.objects.filter(edition=catalogue).order_by("order")
    assert [i["code"] for i in snapshot.result["indicators"]] == list(
        codes.values_list("code", flat=True)
    )
    straw = indicator(snapshot, "25.1")
    assert (straw["status"], straw["value_text"], straw["years_used"]) == ("met", "97%", [2021])


def test_the_counts_on_the_row_are_those_of_the_stored_result(zhonglou, catalogue):
    write_value(zhonglou, "green_building_share", 2021, 100)  # 33, reference: met
    write_value(zhonglou, SEWAGE, 2021, 50)  # 29, binding: not met

    snapshot = refresh(zhonglou, catalogue)

    snapshot.refresh_from_db()
    result = snapshot.result
    assert snapshot.verdict == result["verdict"] == "not_eligible"
    assert snapshot.binding_met == result["binding_met"]
    assert snapshot.binding_applicable == result["binding_applicable"]
    assert snapshot.reference_met == result["reference_met"]
    assert snapshot.reference_applicable == result["reference_applicable"]
    assert snapshot.reference_met == 1
    ratio = Decimal(result["reference_ratio"])
    assert snapshot.reference_ratio == ratio.quantize(Decimal("0.0001")) > 0


def test_the_stored_result_reads_back_as_the_engine_computes_it(zhonglou, catalogue):
    write_value(zhonglou, STRAW, 2021, 97)
    write_value(zhonglou, SEWAGE, 2020, 88, status=ValueStatus.SUBMITTED)
    stored = AssessmentSnapshot.objects.get(pk=refresh(zhonglou, catalogue).pk)

    assert result_from_dict(stored.result) == assess(
        build_input(zhonglou, catalogue, 2021, "official")
    )


def test_recomputing_unchanged_inputs_returns_the_same_row_and_writes_nothing(zhonglou, catalogue):
    write_value(zhonglou, STRAW, 2021, 97)
    first = refresh(zhonglou, catalogue, now=NOW)

    with CaptureQueriesContext(connection) as queries:
        again = refresh(zhonglou, catalogue, now=LATER)

    assert again.pk == first.pk
    assert again.as_of == NOW  # still the time the verdict was computed
    assert again.result == first.result
    assert _writes(queries) == []
    assert key_rows(zhonglou, catalogue).count() == 1


def test_recomputing_unchanged_inputs_gives_an_identical_result(zhonglou, catalogue):
    write_value(zhonglou, STRAW, 2021, 97)
    write_value(zhonglou, SEWAGE, 2021, 50)
    stored = refresh(zhonglou, catalogue).result

    fresh = result_to_dict(assess(build_input(zhonglou, catalogue, 2021, "official")))

    assert fresh == stored


def test_a_changed_input_writes_a_new_current_row_and_keeps_the_old_one(zhonglou, catalogue):
    straw = write_value(zhonglou, STRAW, 2021, 97)
    first = refresh(zhonglou, catalogue, now=NOW)
    straw.value = 85
    straw.save()

    second = refresh(zhonglou, catalogue, now=LATER)

    first.refresh_from_db()
    assert second.pk != first.pk
    assert second.input_hash != first.input_hash
    assert (first.is_current, second.is_current) == (False, True)
    assert second.as_of == LATER
    assert indicator(first, "25.1")["status"] == "met"  # the old row is left as it was
    assert indicator(second, "25.1")["status"] == "not_met"
    assert key_rows(zhonglou, catalogue).filter(is_current=True).get() == second


def test_the_database_refuses_a_second_current_snapshot_of_one_key(zhonglou, catalogue):
    snapshot = refresh(zhonglou, catalogue)
    duplicate = AssessmentSnapshot.objects.get(pk=snapshot.pk)
    duplicate.pk = None

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()

    duplicate.is_current = False  # history rows of the same key are fine
    duplicate.save()
    assert key_rows(zhonglou, catalogue).count() == 2


def test_official_and_provisional_are_separate_keys(zhonglou, catalogue):
    write_value(zhonglou, SEWAGE, 2021, 90, status=ValueStatus.SUBMITTED)

    official = refresh(zhonglou, catalogue, mode="official")
    provisional = refresh(zhonglou, catalogue, mode="provisional")

    assert official.pk != provisional.pk
    assert official.is_current and provisional.is_current
    assert indicator(official, "29")["status"] == "pending"  # submitted, not yet approved
    assert indicator(provisional, "29")["status"] == "met"


def test_each_edition_has_its_own_snapshot(zhonglou, catalogue):
    national = FrameworkEdition.objects.get(code="national-2019")
    write_value(zhonglou, STRAW, 2021, 97)

    county = refresh(zhonglou, catalogue)
    other = refresh(zhonglou, national)

    assert county.pk != other.pk and county.is_current and other.is_current
    assert (county.result["edition_code"], other.result["edition_code"]) == (
        catalogue.code,
        national.code,
    )
    assert len(other.result["indicators"]) == Indicator.objects.filter(edition=national).count()


def test_the_scorecard_reads_the_stored_snapshot_without_scoring(zhonglou, catalogue):
    write_value(zhonglou, STRAW, 2021, 97)
    stored = refresh(zhonglou, catalogue, now=NOW)
    args = {"region": zhonglou, "edition": catalogue, "year": 2021, "mode": "official"}

    with CaptureQueriesContext(connection) as queries:
        card = selectors.scorecard(**args, now=LATER)

    assert len(queries) == 1  # one read, no scoring
    assert card.stored and card.as_of == NOW and card.input_hash == stored.input_hash
    assert card.result == result_from_dict(stored.result)


def test_a_missing_snapshot_is_computed_in_memory_and_nothing_is_stored(zhonglou, catalogue):
    write_value(zhonglou, STRAW, 2021, 97)

    card = selectors.scorecard(
        region=zhonglou, edition=catalogue, year=2021, mode="official", now=LATER
    )

    assert not card.stored and card.as_of == LATER
    assert card.result == assess(build_input(zhonglou, catalogue, 2021, "official"))
    assert not AssessmentSnapshot.objects.exists()


def test_a_stale_snapshot_is_computed_in_memory_and_left_for_the_recompute(zhonglou, catalogue):
    straw = write_value(zhonglou, STRAW, 2021, 97)
    old = refresh(zhonglou, catalogue, now=NOW)
    straw.value = 85
    straw.save()
    services.mark_stale(zhonglou.pk)

    card = selectors.scorecard(
        region=zhonglou, edition=catalogue, year=2021, mode="official", now=LATER
    )

    assert not card.stored and card.as_of == LATER
    assert next(i for i in card.result.indicators if i.code == "25.1").status == "not_met"
    assert list(key_rows(zhonglou, catalogue)) == [old]  # nothing written, still stale
    old.refresh_from_db()
    assert old.stale and old.is_current


def test_a_stale_snapshot_whose_inputs_did_not_change_reads_as_stored(zhonglou, catalogue):
    write_value(zhonglou, STRAW, 2021, 97)
    stored = refresh(zhonglou, catalogue, now=NOW)
    services.mark_stale(zhonglou.pk)

    card = selectors.scorecard(
        region=zhonglou, edition=catalogue, year=2021, mode="official", now=LATER
    )

    assert card.stored and card.as_of == NOW and card.input_hash == stored.input_hash


def test_a_stale_snapshot_whose_inputs_did_not_change_is_cleared_in_place(zhonglou, catalogue):
    snapshot = refresh(zhonglou, catalogue, now=NOW)
    assert services.mark_stale(zhonglou.pk) == 1

    again = refresh(zhonglou, catalogue, now=LATER)

    snapshot.refresh_from_db()
    assert again.pk == snapshot.pk
    assert not snapshot.stale
    assert key_rows(zhonglou, catalogue).count() == 1


def test_mark_stale_touches_only_the_current_snapshots_of_that_region(
    zhonglou, tianning, catalogue
):
    straw = write_value(zhonglou, STRAW, 2021, 97)
    old = refresh(zhonglou, catalogue, now=NOW)
    straw.value = 85
    straw.save()
    new = refresh(zhonglou, catalogue, now=LATER)
    provisional = refresh(zhonglou, catalogue, mode="provisional")
    neighbour = refresh(tianning, catalogue)

    assert services.mark_stale(zhonglou.pk) == 2

    stale = dict(AssessmentSnapshot.objects.values_list("pk", "stale"))
    assert stale == {old.pk: False, new.pk: True, provisional.pk: True, neighbour.pk: False}
