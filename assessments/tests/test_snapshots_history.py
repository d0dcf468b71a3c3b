"""The rows of one key are the history of its verdict: when it changed, and why."""

from __future__ import annotations

import datetime

import pytest

from assessments.services import describe_change
from indicators.choices import ValueStatus

from .snapshot_helpers import NOW, SEWAGE, STRAW, key_rows, refresh, write_value

T1, T2, T3 = (NOW + datetime.timedelta(days=n) for n in range(3))


def _result(verdict: str, **statuses: str) -> dict:
    return {
        "verdict": verdict,
        "indicators": [
            {"code": code.replace("_", "."), "status": s} for code, s in statuses.items()
        ],
    }


@pytest.mark.django_db
def test_the_history_shows_when_the_verdict_changed_and_why(zhonglou, catalogue):
    refresh(zhonglou, catalogue, now=T1)  # nothing entered yet
    sewage = write_value(zhonglou, SEWAGE, 2021, 50)  # 29 is binding: ≥ 85 %
    refresh(zhonglou, catalogue, now=T2)
    sewage.status, sewage.return_reason = ValueStatus.RETURNED, "Wrong year's report."
    sewage.save()
    refresh(zhonglou, catalogue, now=T3)

    rows = list(key_rows(zhonglou, catalogue))

    assert [(r.as_of, r.verdict, r.is_current) for r in rows] == [
        (T1, "incomplete", False),
        (T2, "not_eligible", False),
        (T3, "incomplete", True),
    ]
    assert rows[0].change_note == "first assessment"
    assert rows[1].change_note == "verdict incomplete → not_eligible; 29 missing → not_met"
    # A returned value is back with its department: missing, owed by it (not pending review).
    assert rows[2].change_note == "verdict not_eligible → incomplete; 29 not_met → missing"


@pytest.mark.django_db
def test_a_change_that_moves_no_status_is_recorded_as_such(zhonglou, catalogue):
    straw = write_value(zhonglou, STRAW, 2021, 97)
    refresh(zhonglou, catalogue, now=T1)
    straw.value = 98
    straw.save()

    latest = refresh(zhonglou, catalogue, now=T2)

    assert latest.change_note == "inputs changed, statuses unchanged"
    assert key_rows(zhonglou, catalogue).count() == 2


@pytest.mark.django_db
def test_history_rows_stay_as_they_were_written(zhonglou, catalogue):
    straw = write_value(zhonglou, STRAW, 2021, 97)
    first = refresh(zhonglou, catalogue, now=T1)
    kept = (first.input_hash, first.result, first.verdict, first.as_of, first.change_note)
    straw.value = 50
    straw.save()

    refresh(zhonglou, catalogue, now=T2)
    refresh(zhonglou, catalogue, now=T3)  # unchanged: no third row

    first.refresh_from_db()
    assert (first.input_hash, first.result, first.verdict, first.as_of, first.change_note) == kept
    assert key_rows(zhonglou, catalogue).count() == 2


def test_describe_change_of_a_first_assessment():
    assert describe_change(None, _result("incomplete", **{"1": "met"})) == "first assessment"


def test_describe_change_names_the_verdict_and_every_indicator_that_moved():
    before = _result("incomplete", **{"1": "met", "29": "missing", "25_1": "met"})
    after = _result("not_eligible", **{"1": "met", "29": "not_met", "25_1": "not_met"})

    assert describe_change(before, after) == (
        "verdict incomplete → not_eligible; 29 missing → not_met; 25.1 met → not_met"
    )


def test_describe_change_of_an_indicator_new_to_the_edition():
    before = _result("incomplete", **{"1": "met"})
    after = _result("incomplete", **{"1": "met", "41": "missing"})

    assert describe_change(before, after) == "41 — → missing"


def test_describe_change_fits_the_column():
    before = _result("incomplete", **{f"{n}": "missing" for n in range(1, 200)})
    after = _result("incomplete", **{f"{n}": "met" for n in range(1, 200)})

    assert len(describe_change(before, after)) == 500
