"""The explained scorecard (regions/{code}/scorecard/) with Zhonglou's report figures, its
parameters, its conditional requests (ETag, Last-Modified, 304), and the snapshots it leaves
in assessments/."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.http import http_date

from assessments import services as assessment_services
from assessments.models import AssessmentSnapshot
from indicators import services
from indicators.choices import ValueStatus, VetoKind
from tests.api_helpers import (
    API,
    FILM,
    PAGE_KEYS,
    PM25,
    STRAW,
    assert_error,
    clear_cache,  # noqa: F401 (fixture)
    element,
    entered,
    load_demo,
    make_value,
    results,
    session_client,
)

pytestmark = pytest.mark.usefixtures("clear_cache")

URL = f"{API}regions/320404/scorecard/"
REPORT = "钟楼区创建工作报告（江苏省生态文明建设示范区创建）"


@pytest.fixture
def demo(zhonglou):
    """The report's figures, entered through the whole workflow (for the content tests)."""
    assert load_demo() == 24


@pytest.fixture
def figures(zhonglou):
    """A few approved figures, written directly (for the tests of the HTTP behaviour)."""
    for key, year, value in [(STRAW, 2021, "97"), (FILM, 2021, "88"), (PM25, 2020, "40")]:
        make_value(zhonglou, key, year, value=value, status=ValueStatus.APPROVED)


@pytest.fixture
def as_reviewer(reviewer):
    return session_client(reviewer)


def by_code(body) -> dict[str, dict]:
    return {row["code"]: row for row in body["indicators"]}


def test_scorecard_with_the_report_figures(as_reviewer, demo):
    response = as_reviewer.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "region",
        "edition",
        "year",
        "mode",
        "window",
        "as_of",
        "input_hash",
        "stale",
        "verdict",
        "summary",
        "summary_en",
        "binding",
        "reference",
        "veto_events",
        "missing",
        "indicators",
    }
    assert body["region"] == {"code": "320404", "name": "钟楼区"}
    assert body["edition"]["code"] == "jiangsu-county-2019" and body["edition"]["name"]
    assert body["year"] == 2021 and body["window"] == [2019, 2020, 2021]  # latest year with data
    assert body["mode"] == "official" and body["stale"] is False and body["as_of"]
    assert body["verdict"] == "incomplete"
    assert set(body["binding"]) == {"met", "applicable"}
    assert set(body["reference"]) == {"met", "applicable", "ratio", "required"}
    assert body["binding"]["met"] < body["binding"]["applicable"]
    reference = body["reference"]
    assert Decimal(reference["ratio"]) == pytest.approx(
        Decimal(reference["met"]) / reference["applicable"], abs=Decimal("0.0001")
    )
    assert reference["required"] == "0.800"
    assert body["veto_events"] == []


def test_scorecard_explains_each_indicator(as_reviewer, demo):
    rows = by_code(as_reviewer.get(URL).json())
    straw = rows["25.1"]
    assert set(straw) == {
        "code",
        "parent",
        "name",
        "name_en",
        "type",
        "unit",
        "value",
        "value_text",
        "years_used",
        "target_text",
        "target_text_en",
        "status",
        "gap",
        "gap_text",
        "gap_text_en",
        "explanation",
        "explanation_en",
        "source",
        "departments",
        "missing",
        "projection",
    }
    assert straw["status"] == "met" and straw["value_text"] == "97%"
    assert straw["value"] == "97.0000" and straw["unit"] == "%"
    assert straw["years_used"] == [2021] and straw["parent"] == "25"
    assert straw["type"] in ("binding", "reference") and straw["target_text"]
    assert "97%" in straw["explanation"] and straw["gap"] is None
    assert straw["source"] == [REPORT]
    assert straw["departments"] == ["钟楼区农业农村局"]
    assert rows["1"]["value"] is True and rows["1"]["value_text"] == "是"  # a yes/no item


def test_scorecard_projects_each_indicator_with_its_method_thresholds_and_inputs(
    as_reviewer, zhonglou
):
    """25.1 (≥ 90) at 80, 84, 88.2 in 2019–2021: observed growth 5 % a year, required
    (90/80) ** (1/3) − 1 = 4.00 % to reach 90 by 2022, R = 0.05 / 0.040042 = 1.2487: on track."""
    for year, value in [(2019, "80"), (2020, "84"), (2021, "88.2")]:
        make_value(zhonglou, STRAW, year, value=value, status=ValueStatus.APPROVED)
    make_value(zhonglou, FILM, 2021, value="88", status=ValueStatus.APPROVED)
    rows = by_code(as_reviewer.get(URL, {"year": 2021}).json())
    straw = rows["25.1"]["projection"]
    assert straw["status"] == "on_track" and straw["method"] == "cagr"
    assert straw["operator"] == ">=" and Decimal(straw["target"]) == 90
    assert straw["target_year"] == 2022 and straw["direction"] == 1
    assert straw["years"] == [2019, 2020, 2021]
    assert (straw["base_year"], Decimal(straw["base_value"])) == (2019, 80)
    assert (straw["latest_year"], Decimal(straw["latest_value"])) == (2021, Decimal("88.2"))
    assert Decimal(straw["observed_rate"]) == Decimal("0.05")
    assert Decimal(straw["required_rate"]) == Decimal("0.040042")
    assert Decimal(straw["ratio"]) == Decimal("1.248692")
    assert {k: Decimal(v) for k, v in straw["thresholds"].items()} == {
        "on_track": Decimal("0.95"),
        "acceleration_needed": Decimal("0.6"),
        "limited_progress": 0,
    }
    assert [(p["year"], Decimal(p["value"])) for p in straw["projected"]] == [
        (2021, Decimal("88.2")),
        (2022, Decimal("92.61")),
    ]
    film = rows["25.3"]["projection"]
    assert film["status"] == "insufficient_data" and film["years"] == [2021]
    assert film["ratio"] is None and film["projected"] == []
    assert rows["25"]["projection"] is None  # a parent
    assert rows["1"]["projection"]["status"] == "not_applicable"  # a yes/no item


def test_scorecard_lists_what_is_missing_and_who_owes_it(as_reviewer, demo):
    body = as_reviewer.get(URL).json()
    missing = {row["code"]: row for row in body["missing"]}
    assert set(body["missing"][0]) == {
        "code",
        "name",
        "name_en",
        "status",
        "years",
        "departments",
        "departments_en",
        "owners",
        "owners_en",
        "pieces",
    }
    assert missing["7"]["departments"] == ["常州市钟楼生态环境局"]
    # A year's value is owed by the lead department only (statistics supports).
    assert missing["20"]["departments"] == ["钟楼区发展和改革局"]
    assert missing["25"]["departments"] == ["钟楼区农业农村局"]  # 25.2 manure is missing
    assert "25.1" not in missing
    assert all(row["status"] == "missing" and row["years"] for row in missing.values())
    assert {i["code"] for i in body["indicators"] if i["status"] == "missing"} >= set(missing)


def test_scorecard_says_row_32s_assigned_target_is_owed_by_the_creation_office(as_reviewer, demo):
    body = as_reviewer.get(URL).json()
    row32 = next(row for row in body["missing"] if row["code"] == "32")
    assert row32["departments"] == []  # its value (100 %) is approved
    assert row32["owners"] == ["创建办"]
    (piece,) = row32["pieces"]
    assert (piece["lacking"], piece["owner"], piece["years"]) == (
        "assigned_target",
        "creation_office",
        [2021],
    )


def test_scorecard_shows_veto_events_of_the_window(as_reviewer, demo, zhonglou, reviewer):
    services.veto_event_save(
        actor=reviewer,
        region=zhonglou,
        date=datetime.date(2020, 6, 1),
        kind=VetoKind.MAJOR_INCIDENT,
        description="突发环境事件",
    )
    body = as_reviewer.get(URL).json()
    assert body["veto_events"] == [
        {"date": "2020-06-01", "kind": "major_incident", "description": "突发环境事件"}
    ]
    assert body["verdict"] == "not_eligible"


def test_provisional_mode_counts_submitted_values(as_reviewer, demo, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, "livestock_manure_utilization_rate", 2021, "95")
    services.value_submit(value=value, actor=clerk_a)
    official = by_code(as_reviewer.get(URL, {"mode": "official"}).json())
    provisional = as_reviewer.get(URL, {"mode": "provisional"}).json()
    assert provisional["mode"] == "provisional"
    assert official["25.2"]["status"] == "pending"  # submitted, not yet approved
    assert by_code(provisional)["25.2"]["status"] == "met"
    assert by_code(provisional)["25.2"]["value_text"] == "95%"


def test_scorecard_for_another_edition_and_year(as_reviewer, demo):
    body = as_reviewer.get(URL, {"edition": "national-2019", "year": 2020}).json()
    assert body["edition"]["code"] == "national-2019"
    assert body["year"] == 2020 and body["window"] == [2018, 2019, 2020]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"year": 1999}, 400),
        ({"year": "last"}, 400),
        ({"mode": "hopeful"}, 400),
        ({"edition": "no-such-edition"}, 404),
    ],
    ids=["year-out-of-range", "year-not-a-number", "unknown-mode", "unknown-edition"],
)
def test_scorecard_bad_parameters(as_reviewer, figures, params, status):
    body = assert_error(as_reviewer.get(URL, params), status)
    if status == 400:
        assert set(body["details"]) & {"year", "mode"}


def test_scorecard_of_a_region_out_of_scope_is_404(as_reviewer, figures):
    assert_error(as_reviewer.get(f"{API}regions/320402/scorecard/"), 404, "not_found")
    assert_error(as_reviewer.get(f"{API}regions/999999/scorecard/"), 404, "not_found")


# --- conditional requests -----------------------------------------------------------------


def test_scorecard_sends_etag_and_last_modified(as_reviewer, snapshots):
    response = as_reviewer.get(URL)
    snapshot = AssessmentSnapshot.objects.get(
        region__code="320404", is_current=True, year=2021, mode="official"
    )
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert response["Last-Modified"] == http_date(snapshot.as_of.timestamp())
    assert "no-cache" in response["Cache-Control"]


def test_a_scorecard_with_no_stored_snapshot_is_computed_and_stores_nothing(as_reviewer, figures):
    first = as_reviewer.get(URL)
    second = as_reviewer.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first.json()["verdict"]
    assert second.status_code == 304  # same inputs, same ETag, though computed each time
    assert not AssessmentSnapshot.objects.exists()


def test_if_none_match_with_the_etag_is_304(as_reviewer, figures):
    etag = as_reviewer.get(URL)["ETag"]
    response = as_reviewer.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag
    assert as_reviewer.get(URL, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert as_reviewer.get(URL, HTTP_IF_NONE_MATCH="*").status_code == 304


def test_if_none_match_compares_weakly(as_reviewer, figures):
    """A proxy that compresses the body may weaken the ETag: W/"…" still matches."""
    etag = as_reviewer.get(URL)["ETag"]
    assert as_reviewer.get(URL, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304


def test_if_none_match_with_another_etag_is_200(as_reviewer, figures):
    response = as_reviewer.get(URL, HTTP_IF_NONE_MATCH='"1-deadbeef-json"')
    assert response.status_code == 200 and response.json()["verdict"]


def test_if_modified_since_is_304_until_the_scorecard_changes(as_reviewer, snapshots):
    last_modified = as_reviewer.get(URL)["Last-Modified"]
    response = as_reviewer.get(URL, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304 and response.content == b""
    earlier = http_date(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC).timestamp())
    assert as_reviewer.get(URL, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_etag_changes_when_the_figures_change(
    as_reviewer, figures, clerk_a, reviewer, zhonglou, django_capture_on_commit_callbacks
):
    etag = as_reviewer.get(URL, {"mode": "provisional"})["ETag"]
    with django_capture_on_commit_callbacks(execute=True):  # the recompute runs on commit
        services.value_save(
            actor=clerk_a,
            region=zhonglou,
            data_element=element("livestock_manure_utilization_rate"),
            year=2021,
            value=Decimal("95"),
        )
    response = as_reviewer.get(URL, {"mode": "provisional"}, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_csv_has_its_own_etag_and_answers_304_too(as_reviewer, figures):
    json_etag = as_reviewer.get(URL)["ETag"]
    csv_etag = as_reviewer.get(URL, {"format": "csv"})["ETag"]
    assert csv_etag != json_etag
    response = as_reviewer.get(URL, {"format": "csv"}, HTTP_IF_NONE_MATCH=csv_etag)
    assert response.status_code == 304 and response.content == b""
    xlsx_etag = as_reviewer.get(URL, {"format": "xlsx"})["ETag"]
    response = as_reviewer.get(URL, {"format": "xlsx"}, HTTP_IF_NONE_MATCH=xlsx_etag)
    assert response.status_code == 304 and response.content == b""


# --- assessments (snapshots) --------------------------------------------------------------


SNAPSHOT_KEYS = {
    "id",
    "region",
    "edition",
    "year",
    "mode",
    "as_of",
    "input_hash",
    "verdict",
    "binding_met",
    "binding_applicable",
    "reference_met",
    "reference_applicable",
    "reference_ratio",
    "current",
    "stale",
    "change_note",
}


@pytest.fixture
def snapshots(figures, zhonglou, catalogue):
    """Four stored snapshots: two years, both modes (the recompute stores them)."""
    for year in (2020, 2021):
        for mode in ("official", "provisional"):
            assessment_services.snapshot_refresh(
                region=zhonglou, edition=catalogue, year=year, mode=mode, now=timezone.now()
            )


def test_assessments_list_the_stored_snapshots(as_reviewer, snapshots):
    response = as_reviewer.get(f"{API}assessments/")
    assert set(response.json()) == PAGE_KEYS
    rows = results(response)
    assert len(rows) == 4 and set(rows[0]) == SNAPSHOT_KEYS
    assert [(r["year"], r["mode"]) for r in rows] == [
        (2021, "official"),
        (2021, "provisional"),
        (2020, "official"),
        (2020, "provisional"),
    ]
    first = rows[0]
    assert first["region"] == "320404" and first["edition"] == "jiangsu-county-2019"
    assert first["verdict"] == "incomplete" and first["current"] is True


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "320404"}, 4),
        ({"region": "320402"}, 0),
        ({"edition": "jiangsu-county-2019"}, 4),
        ({"edition": "national-2019"}, 0),
        ({"year": 2020}, 2),
        ({"mode": "official"}, 2),
        ({"year": 2021, "mode": "provisional"}, 1),
        ({"current": "true"}, 4),
    ],
    ids=lambda v: "-".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else None,
)
def test_assessments_filters(as_reviewer, snapshots, params, expected):
    assert len(results(as_reviewer.get(f"{API}assessments/", params))) == expected


def test_assessment_retrieve(as_reviewer, snapshots):
    snapshot = AssessmentSnapshot.objects.filter(region__code="320404").first()
    body = as_reviewer.get(f"{API}assessments/{snapshot.pk}/").json()
    assert set(body) == SNAPSHOT_KEYS and body["id"] == snapshot.pk
    assert_error(as_reviewer.get(f"{API}assessments/999999/"), 404, "not_found")


def test_assessments_bad_filter_is_400(as_reviewer, snapshots):
    assert (
        "mode" in assert_error(as_reviewer.get(f"{API}assessments/", {"mode": "x"}), 400)["details"]
    )


def test_straw_value_of_the_scorecard_comes_from_the_approved_figure(as_reviewer, demo):
    """The 97 % the scorecard shows is the approved 2021 straw figure of the report."""
    values = results(
        as_reviewer.get(f"{API}values/", {"data_element": STRAW, "status": "approved"})
    )
    assert [(v["year"], v["value"]) for v in values] == [(2021, "97.0000")]
