"""One set of entry cases, run through each of the three ways a value is entered — the admin
form, the API, the Excel upload — with the same outcome: written or not, and which kind of
refusal. The rules live in one service (``check_entry``); the adapters only translate."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from indicators import excel, services
from indicators.choices import ValueStatus
from indicators.models import IndicatorValue

from .values_helpers import (
    STRAW,
    column_letter,
    element,
    entered,
    make_value,
    upload_workbook,
    url,
    xlsx_file,
)

YEAR = 2021
WRITTEN = "written"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _exists_message() -> str:
    return "There is already a value for this indicator and year"


def _kind_of_message(message: str) -> str:
    if _exists_message() in message:
        return "exists"
    if "is locked" in message:
        return "locked"
    if "is approved" in message:
        return "status"
    if "Someone saved this value" in message or "no longer exists" in message:
        return "stale"
    return "invalid"


# --- the adapters: each enters (actor, value, version) and says what became of it ----------


def through_admin(client, actor, zhonglou, value, version) -> set[str]:
    client.cookies["django_language"] = "en"
    client.force_login(actor)
    data = {
        "region": zhonglou.pk,
        "data_element": element(STRAW).pk,
        "year": YEAR,
        "value": str(value),
        "answer": "",
        "source": "",
        "note": "",
        "version": "" if version is None else str(version),
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    response = client.post(url("add"), data)
    if response.status_code == 302:
        return {WRITTEN}
    if response.status_code == 403:
        return {"permission"}
    assert response.status_code == 200, response.status_code
    kinds = set()
    for name, errors in response.context["adminform"].form.errors.as_data().items():
        for error in errors:
            if name == "data_element":  # the form offers only the elements one may enter
                kinds.add("permission")
            elif error.code in ("exists", "stale", "gone", "locked", "status"):
                kinds.add("stale" if error.code == "gone" else error.code)
            else:
                kinds.add(_kind_of_message(" ".join(error.messages)))
    return kinds


def through_api(client, actor, zhonglou, value, version) -> set[str]:
    api = APIClient()
    api.cookies["django_language"] = "en"
    api.force_login(actor)
    data = {"region": zhonglou.code, "data_element": STRAW, "year": YEAR, "value": str(value)}
    if version is not None:
        data["version"] = version
    response = api.post("/api/v1/values/", data, format="json")
    body = response.json()
    if response.status_code in (200, 201):
        return {WRITTEN}
    if response.status_code == 403:
        return {"permission"}
    if response.status_code == 409:
        return {"exists" if "id" in body["details"] else "stale"}
    assert response.status_code == 400, response.status_code
    if "value" in body["details"]:
        return {"invalid"}
    return {_kind_of_message(m) for m in body["details"]["non_field_errors"]}


def through_excel(client, actor, zhonglou, value, version) -> set[str]:
    wb = upload_workbook([{"key": STRAW, "year": YEAR, "value": value, "version": version}])
    report = excel.read_upload(io.BytesIO(xlsx_file(wb).read()), actor, zhonglou, write=True)
    if report.ok:
        assert report.written and len(report.rows) == 1
        return {WRITTEN}
    kinds = set()
    for problem in report.problems:
        column = problem.column.split("（")[0]
        if column == column_letter("key"):
            kinds.add("permission")
        elif column == column_letter("version"):
            kinds.add("exists" if _exists_message() in problem.message else "stale")
        else:
            kinds.add(_kind_of_message(problem.message))
    return kinds


# --- the cases ------------------------------------------------------------------------------


def _existing(world):
    return entered(world["clerk_a"], world["zhonglou"], STRAW, YEAR, 90)


def _edited_since(world):
    value = _existing(world)
    entered(world["clerk_a"], world["zhonglou"], STRAW, YEAR, 91, expected_version=1)
    return value


def _locked(world):
    services.year_lock(actor=world["reviewer"], region=world["zhonglou"], year=YEAR)


def _approved(world):
    return make_value(world["zhonglou"], STRAW, YEAR, status=ValueStatus.APPROVED, value=90)


# name: (set-up, who, the value entered, the version stated, the outcome)
CASES = {
    "new value": (None, "clerk_a", 95, None, WRITTEN),
    "existing with the right version": (_existing, "clerk_a", 95, 1, WRITTEN),
    "existing without a version": (_existing, "clerk_a", 95, None, "exists"),
    "stale version": (_edited_since, "clerk_a", 95, 1, "stale"),
    "version of a value that does not exist": (None, "clerk_a", 95, 3, "stale"),
    "not the lead department": (None, "clerk_b", 95, None, "permission"),
    "locked year": (_locked, "clerk_a", 95, None, "locked"),
    "approved value": (_approved, "clerk_a", 95, 1, "status"),
    "invalid number": (None, "clerk_a", 120, None, "invalid"),  # a percentage above 100
    "not a number": (None, "clerk_a", "abc", None, "invalid"),
}
ADAPTERS = {"admin": through_admin, "api": through_api, "excel": through_excel}


@pytest.mark.parametrize("adapter", ADAPTERS.values(), ids=ADAPTERS.keys())
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_every_entry_path_has_the_same_outcome(
    client, clerk_a, clerk_b, reviewer, zhonglou, case, adapter
):
    set_up, actor, value, version, outcome = case
    world = {"clerk_a": clerk_a, "clerk_b": clerk_b, "reviewer": reviewer, "zhonglou": zhonglou}
    if set_up:
        set_up(world)
    before = list(IndicatorValue.objects.values_list("value", "version", "status"))

    kinds = adapter(
        client, {"clerk_a": clerk_a, "clerk_b": clerk_b}[actor], zhonglou, value, version
    )

    assert kinds == {outcome}
    after = list(IndicatorValue.objects.values_list("value", "version", "status"))
    if outcome == WRITTEN:
        stored = IndicatorValue.objects.get()
        assert (stored.value, stored.status) == (Decimal(value), ValueStatus.DRAFT)
        assert stored.version == (1 if not before else before[0][1] + 1)
        assert stored.entered_by == clerk_a
    else:
        assert after == before
