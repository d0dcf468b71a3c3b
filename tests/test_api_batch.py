"""POST /api/v1/values/batch/: many values of one region, all or nothing, through the same
import service as the Excel upload; a dry run; every refused row reported; permissions; bad
input is a 400, never a 500; a constant number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import services
from indicators.choices import ResponsibilityRole, ValueKind, ValueStatus
from indicators.models import DataElement, IndicatorValue, Responsibility
from indicators.signals import region_data_changed
from tests.api_helpers import (
    API,
    ECO_PLAN,
    FILM,
    PM25,
    STRAW,
    assert_error,
    clear_cache,  # noqa: F401 (fixture)
    entered,
    key_client,
    make_key,
    make_value,
    session_client,
)

pytestmark = pytest.mark.usefixtures("clear_cache")
URL = f"{API}values/batch/"


def batch(client, values, region="320404", **extra):
    return client.post(URL, {"region": region, "values": values, **extra}, format="json")


def stored(region) -> dict[tuple[str, int], IndicatorValue]:
    return {
        (v.data_element.key, v.year): v
        for v in IndicatorValue.objects.filter(region=region).select_related("data_element")
    }


@pytest.fixture
def as_clerk(clerk_a):
    return session_client(clerk_a)


@pytest.fixture
def changes():
    received = []

    def receiver(sender, region_id, years, **kwargs):
        received.append((region_id, set(years)))

    region_data_changed.connect(receiver, weak=False, dispatch_uid="test_api_batch")
    yield received
    region_data_changed.disconnect(dispatch_uid="test_api_batch")


# --- success ------------------------------------------------------------------------------


def test_batch_creates_updates_and_skips_unchanged_values(as_clerk, clerk_a, zhonglou, changes):
    draft = entered(clerk_a, zhonglou, FILM, 2021, "80")
    same = entered(clerk_a, zhonglou, STRAW, 2019, "70", source="年报")
    changes.clear()

    response = batch(
        as_clerk,
        [
            {"data_element": STRAW, "year": 2021, "value": "95.5", "source": "统计年鉴"},
            {"data_element": FILM, "year": 2021, "value": 82, "version": draft.version},
            {"data_element": STRAW, "year": 2019, "value": "70"},  # as stored: unchanged
        ],
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["dry_run"], body["created"], body["updated"], body["unchanged"]) == (
        False,
        1,
        1,
        1,
    )
    values = stored(zhonglou)
    assert [(r["index"], r["action"], r["id"], r["version"]) for r in body["rows"]] == [
        (0, "created", values[STRAW, 2021].pk, 1),
        (1, "updated", draft.pk, 2),
        (2, "unchanged", same.pk, 1),
    ]
    assert values[STRAW, 2021].value == Decimal("95.5")
    assert values[STRAW, 2021].source == "统计年鉴"
    assert (values[FILM, 2021].value, values[FILM, 2021].version) == (Decimal(82), 2)
    assert values[FILM, 2021].status == ValueStatus.DRAFT
    history = values[FILM, 2021].history.order_by("-history_id").first()
    assert history.history_user == clerk_a  # the reason in the request's language:
    assert history.history_change_reason in ("edited", "修改")
    created = values[STRAW, 2021].history.get()
    assert created.history_user == clerk_a
    assert created.history_change_reason in ("entered", "录入")
    assert changes == [(zhonglou.pk, {2021})]  # one signal (one recompute), written years


def test_yes_no_answers_and_warnings(clerk_a, clerk_b, zhonglou):
    entered(clerk_b, zhonglou, PM25, 2020, "30")

    response = batch(
        session_client(clerk_b),
        [
            {"data_element": ECO_PLAN, "year": 2021, "answer": True},
            {"data_element": PM25, "year": 2021, "value": "45"},  # +50 % on 2020
        ],
    )

    assert response.status_code == 200, response.json()
    assert stored(zhonglou)[ECO_PLAN, 2021].answer is True
    assert [(w["index"], w["field"], w["code"]) for w in response.json()["warnings"]] == [
        (1, "value", "large_change")
    ]


def test_dry_run_reports_the_same_and_writes_nothing(as_clerk, clerk_a, zhonglou, changes):
    draft = entered(clerk_a, zhonglou, FILM, 2021, "80")
    changes.clear()
    values = [
        {"data_element": STRAW, "year": 2021, "value": "95"},
        {"data_element": FILM, "year": 2021, "value": "81", "version": draft.version},
    ]

    dry = batch(as_clerk, values, dry_run=True).json()

    assert dry["dry_run"] is True
    assert (dry["created"], dry["updated"]) == (1, 1)
    assert [(r["action"], r["id"]) for r in dry["rows"]] == [
        ("created", None),
        ("updated", draft.pk),
    ]
    assert list(stored(zhonglou)) == [(FILM, 2021)]
    assert stored(zhonglou)[FILM, 2021].version == 1
    assert changes == []
    real = batch(as_clerk, values).json()
    assert {k: real[k] for k in ("created", "updated", "unchanged")} == {
        k: dry[k] for k in ("created", "updated", "unchanged")
    }


# --- refusals -----------------------------------------------------------------------------


def test_one_bad_row_writes_nothing_and_is_reported(as_clerk, zhonglou):
    values = [{"data_element": STRAW, "year": 2021, "value": "95"}] * 1 + [
        {"data_element": FILM, "year": 2021, "value": "120"},  # a percentage above 100
        {"data_element": STRAW, "year": 1999, "value": "95"},
    ]

    body = assert_error(batch(as_clerk, values), 400, "invalid")

    assert {(r["index"], r["field"]) for r in body["details"]["rows"]} == {
        (1, "value"),
        (2, "year"),
    }
    assert "2000" in next(r["message"] for r in body["details"]["rows"] if r["index"] == 2)
    assert not IndicatorValue.objects.exists()


def test_an_existing_value_without_its_version_is_refused(as_clerk, clerk_a, zhonglou):
    draft = entered(clerk_a, zhonglou, STRAW, 2021, "80")

    body = assert_error(
        batch(as_clerk, [{"data_element": STRAW, "year": 2021, "value": "81"}]), 400
    )

    assert [(r["index"], r["field"], r["code"]) for r in body["details"]["rows"]] == [
        (0, "version", "exists")
    ]
    stale = batch(as_clerk, [{"data_element": STRAW, "year": 2021, "value": "81", "version": 9}])
    assert assert_error(stale, 400)["details"]["rows"][0]["code"] == "stale"
    assert IndicatorValue.objects.get().version == draft.version == 1


def test_approved_and_locked_values_are_refused(as_clerk, reviewer, zhonglou):
    approved = make_value(zhonglou, STRAW, 2021, status=ValueStatus.APPROVED, value=90)
    services.year_lock(actor=reviewer, region=zhonglou, year=2019)

    body = assert_error(
        batch(
            as_clerk,
            [
                {"data_element": STRAW, "year": 2021, "value": "91", "version": 1},
                {"data_element": FILM, "year": 2019, "value": "91"},
            ],
        ),
        400,
    )

    assert [(r["index"], r["code"]) for r in body["details"]["rows"]] == [
        (0, "status"),
        (1, "locked"),
    ]
    assert IndicatorValue.objects.get().value == approved.value


MALFORMED = {
    "values not a list": {"region": "320404", "values": "straw"},
    "values empty": {"region": "320404", "values": []},
    "no values": {"region": "320404"},
    "no region": {"values": [{"data_element": STRAW, "year": 2021, "value": 1}]},
    "unknown region": {"region": "999999", "values": [{"data_element": STRAW, "year": 2021}]},
    "region with NUL": {"region": "3204\x0004", "values": [{"data_element": STRAW}]},
    "dry_run not a boolean": {"region": "320404", "dry_run": "maybe", "values": [{}]},
    "row not an object": {"region": "320404", "values": [1, "x", None, []]},
    "row without keys": {"region": "320404", "values": [{}]},
    "year not a number": {
        "region": "320404",
        "values": [{"data_element": STRAW, "year": "二〇二一", "value": 1}],
    },
    "huge year": {
        "region": "320404",
        "values": [{"data_element": STRAW, "year": 10**30, "value": 1}],
    },
    "huge version": {
        "region": "320404",
        "values": [{"data_element": STRAW, "year": 2021, "value": 1, "version": 10**30}],
    },
    "value a list": {
        "region": "320404",
        "values": [{"data_element": STRAW, "year": 2021, "value": [1]}],
    },
    "value too long": {
        "region": "320404",
        "values": [{"data_element": STRAW, "year": 2021, "value": "9" * 40}],
    },
    "key with NUL": {
        "region": "320404",
        "values": [{"data_element": "straw\x00", "year": 2021, "value": 1}],
    },
    "unknown key": {"region": "320404", "values": [{"data_element": "nope", "year": 2021}]},
    "answer not a boolean": {
        "region": "320404",
        "values": [{"data_element": ECO_PLAN, "year": 2021, "answer": "perhaps"}],
    },
    "too many rows": {
        "region": "320404",
        "values": [{"data_element": STRAW, "year": 2021, "value": 1}] * 5001,
    },
}


@pytest.mark.parametrize("payload", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_input_is_a_400_not_a_500(as_clerk, zhonglou, payload):
    assert_error(as_clerk.post(URL, payload, format="json"), 400, "invalid")
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b'{"region": "320404", "values": [{"data_element": "%s", "year": 2021, "value": 1e309}]}',
        b'{"region": "320404", "values": [{"data_element": "%s", "year": 2021, "value": NaN}]}',
        b'{"region": "320404", "values": [{"data_element": "%s", "year": 2021.5, "value": 1}]}',
        b"[1, 2, 3]",
        b"not json",
    ],
    ids=["1e309", "NaN", "fractional year", "a list", "not json"],
)
def test_raw_bodies_that_json_cannot_hold_are_a_400(as_clerk, zhonglou, raw):
    body = raw.replace(b"%s", STRAW.encode())
    response = as_clerk.post(URL, body, content_type="application/json")
    assert_error(response, 400)
    assert not IndicatorValue.objects.exists()


# --- permissions --------------------------------------------------------------------------


def test_clerk_of_another_department_is_refused(clerk_b, zhonglou):
    body = assert_error(
        batch(session_client(clerk_b), [{"data_element": STRAW, "year": 2021, "value": "9"}]),
        403,
        "permission_denied",
    )
    assert [(r["index"], r["field"], r["code"]) for r in body["details"]["rows"]] == [
        (0, "data_element", "permission")
    ]
    assert not IndicatorValue.objects.exists()


def test_reviewer_is_refused(reviewer, zhonglou):
    response = batch(
        session_client(reviewer), [{"data_element": STRAW, "year": 2021, "value": "9"}]
    )
    assert_error(response, 403, "permission_denied")
    assert not IndicatorValue.objects.exists()


def test_read_only_key_is_refused(clerk_a, zhonglou):
    key, _ = make_key(clerk_a, can_write=False)
    body = assert_error(
        batch(key_client(key), [{"data_element": STRAW, "year": 2021, "value": "9"}]),
        403,
        "permission_denied",
    )
    assert "read-only" in body["message"]


def test_key_limited_to_another_region_is_refused(clerk_a, zhonglou, tianning):
    key, _ = make_key(clerk_a, can_write=True, regions=[tianning])
    response = batch(key_client(key), [{"data_element": STRAW, "year": 2021, "value": "9"}])
    assert_error(response, 403, "permission_denied")
    assert not IndicatorValue.objects.exists()


def test_write_key_of_the_region_enters_values(clerk_a, zhonglou):
    key, _ = make_key(clerk_a, can_write=True, regions=[zhonglou])
    response = batch(key_client(key), [{"data_element": STRAW, "year": 2021, "value": "9"}])
    assert response.status_code == 200 and response.json()["created"] == 1


# --- queries ------------------------------------------------------------------------------


@pytest.fixture
def synthetic_elements(zhonglou, agriculture):
    elements = DataElement.objects.bulk_create(
        DataElement(key=f"batch_{i:03d}", name=f"合成 {i:03d}", value_kind=ValueKind.NUMBER)
        for i in range(210)
    )
    Responsibility.objects.bulk_create(
        Responsibility(
            region=zhonglou, data_element=e, department=agriculture, role=ResponsibilityRole.LEAD
        )
        for e in elements
    )
    return elements


def test_ten_and_two_hundred_rows_take_the_same_queries(as_clerk, synthetic_elements):
    def queries(elements, value, extra):
        rows = [{"data_element": e.key, "year": 2021, "value": value, **extra(e)} for e in elements]
        with CaptureQueriesContext(connection) as captured:
            response = batch(as_clerk, rows)
        assert response.status_code == 200, response.json()
        return len(captured)

    none = lambda e: {}  # noqa: E731
    version = lambda e: {"version": 1}  # noqa: E731
    created = (
        queries(synthetic_elements[:10], 1, extra=none),
        queries(synthetic_elements[10:], 1, extra=none),
    )
    updated = (
        queries(synthetic_elements[:10], 2, extra=version),
        queries(synthetic_elements[10:], 2, extra=version),
    )

    assert created[0] == created[1]
    assert updated[0] == updated[1]
    assert IndicatorValue.objects.filter(version=2).count() == 210
