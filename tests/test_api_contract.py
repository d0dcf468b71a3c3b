"""Contract of API v1: each endpoint's shape and behaviour (status, keys, nesting, filters,
search, ordering, pagination), the data-entry workflow through the API, evidence, history, the
one error body, and the schema and docs.

Spreadsheet formats are in test_api_formats.py, the scorecard in test_api_scorecard.py, keys
and throttling in test_api_keys.py."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient

from indicators.choices import ValueStatus
from indicators.models import Evidence, FrameworkEdition, IndicatorValue
from tests.api_helpers import (
    API,
    ECO_PLAN,
    ERROR_KEYS,
    FILM,
    PAGE_KEYS,
    PM25,
    STRAW,
    assert_error,
    clear_cache,  # noqa: F401 (fixture)
    entered,
    make_value,
    pdf_upload,
    results,
    session_client,
)

pytestmark = pytest.mark.usefixtures("clear_cache")

VALUE_KEYS = {
    "id",
    "region",
    "data_element",
    "indicator_code",
    "name",
    "year",
    "value",
    "answer",
    "unit",
    "status",
    "source",
    "note",
    "version",
    "entered_by",
    "entered_at",
    "submitted_by",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
    "return_reason",
    "updated_at",
}


@pytest.fixture
def as_reviewer(reviewer) -> APIClient:
    return session_client(reviewer)


@pytest.fixture
def as_clerk(clerk_a) -> APIClient:
    return session_client(clerk_a)


def codes(rows, key="code") -> list:
    return [row[key] for row in rows]


# --- catalogue ----------------------------------------------------------------------------


def test_frameworks_list_gives_each_edition_with_its_pass_rule(as_reviewer):
    response = as_reviewer.get(f"{API}frameworks/")
    rows = results(response)
    assert set(response.json()) == PAGE_KEYS
    assert codes(rows) == ["jiangsu-county-2019", "national-2019"]
    jiangsu = rows[0]
    assert set(jiangsu) == {
        "code",
        "name",
        "name_en",
        "issuing_document",
        "year",
        "status",
        "reconstruction",
        "note",
        "pass_rule",
        "indicator_count",
        "loaded_at",
    }
    assert jiangsu["pass_rule"] == {
        "window_years": 3,
        "all_binding_required": True,
        "reference_ratio_required": "0.800",
        "veto_in_window": True,
    }
    edition = FrameworkEdition.objects.get(code=jiangsu["code"])
    assert jiangsu["indicator_count"] == edition.indicators.count()


def test_framework_detail_nests_domains_tasks_indicators_and_criteria(as_reviewer):
    response = as_reviewer.get(f"{API}frameworks/jiangsu-county-2019/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "jiangsu-county-2019"
    domain = body["domains"][0]
    assert set(domain) == {"code", "name", "name_en", "tasks"}
    task = domain["tasks"][0]
    assert set(task) == {"code", "name", "name_en", "indicators"}
    indicator = task["indicators"][0]
    assert indicator["code"] == "1" and indicator["edition"] == "jiangsu-county-2019"
    assert indicator["task"] == task["code"] and indicator["domain"] == domain["name"]
    criterion = indicator["criteria"][0]
    assert set(criterion) == {"target_text", "target_text_en", "applies_to", "rules"}
    assert set(criterion["rules"][0]) == {
        "kind",
        "operator",
        "value",
        "span",
        "tolerance",
        "baseline_year",
    }
    computed = next(i for i in nested_indicators(body) if i["code"] == "7.2")
    assert computed["formula"].startswith("(base(pm25_annual_mean)")
    assert computed["data_element"]["name"] == "PM2.5年均浓度"
    nested = nested_indicators(body)
    assert len(nested) == body["indicator_count"]
    assert {"25.1", "25.2", "25.3"} <= set(codes(nested))


def test_unknown_framework_is_404_with_the_error_body(as_reviewer):
    assert_error(as_reviewer.get(f"{API}frameworks/no-such-edition/"), 404, "not_found")


def test_indicators_list_pages_and_nests_data_element_and_criteria(as_reviewer):
    response = as_reviewer.get(f"{API}indicators/", {"page_size": 5})
    body = response.json()
    assert body["count"] == 111 and len(body["results"]) == 5
    assert "page=2" in body["next"] and body["previous"] is None
    first = body["results"][0]
    assert first["edition"] == "jiangsu-county-2019" and first["code"] == "1"
    assert first["data_element"]["key"] == ECO_PLAN
    assert first["criteria"][0]["target_text"] == "制定实施"
    second_page = as_reviewer.get(body["next"]).json()
    assert second_page["previous"] and second_page["results"][0]["id"] != first["id"]


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"edition": "national-2019"}, lambda r: r["edition"] == "national-2019"),
        ({"type": "binding"}, lambda r: r["type"] == "binding"),
        ({"type": "reference"}, lambda r: r["type"] == "reference"),
        ({"scope": "county"}, lambda r: r["scope"] == "county"),
        ({"domain": "1"}, lambda r: r["domain"] == "生态制度"),
    ],
    ids=["edition", "binding", "reference", "scope", "domain"],
)
def test_indicators_filter(as_reviewer, params, check):
    rows = results(as_reviewer.get(f"{API}indicators/", {**params, "page_size": 500}))
    everything = as_reviewer.get(f"{API}indicators/").json()["count"]
    assert rows and all(check(r) for r in rows)
    assert len(rows) < everything


def test_indicators_filter_by_department_gives_those_whose_data_it_supplies(as_reviewer):
    rows = results(
        as_reviewer.get(
            f"{API}indicators/",
            {"department": "agriculture", "edition": "jiangsu-county-2019", "page_size": 500},
        )
    )
    assert {"25.1", "25.2", "25.3", "32"} <= set(codes(rows))
    assert "7.2" not in codes(rows)  # PM2.5 is ecology's alone
    assert len(codes(rows)) == len(set(codes(rows)))  # a lead and a supporting row: once


def test_indicators_search_by_name_and_data_element_key(as_reviewer):
    by_name = results(as_reviewer.get(f"{API}indicators/", {"search": "秸秆"}))
    assert {r["code"] for r in by_name} == {"25.1"}
    by_key = results(as_reviewer.get(f"{API}indicators/", {"search": PM25}))
    assert {r["data_element"]["key"] for r in by_key} == {PM25}


def test_indicators_bad_filter_value_is_400_with_field_details(as_reviewer):
    body = assert_error(as_reviewer.get(f"{API}indicators/", {"type": "bogus"}), 400, "invalid")
    assert "type" in body["details"]


def test_regions_are_those_of_the_user(as_reviewer, zhonglou):
    rows = results(as_reviewer.get(f"{API}regions/"))
    assert codes(rows) == ["320404"]
    assert set(rows[0]) == {
        "code",
        "name",
        "name_en",
        "level",
        "parent",
        "terrain",
        "eco_zone",
        "city_size",
        "coastal",
        "edition",
        "synthetic",
    }
    assert rows[0]["parent"] == "320400" and rows[0]["edition"] == "jiangsu-county-2019"
    assert as_reviewer.get(f"{API}regions/320404/").json()["name"] == zhonglou.name
    assert_error(as_reviewer.get(f"{API}regions/320402/"), 404)  # Tianning: not theirs


def test_departments_list_filters_and_searches(as_reviewer):
    rows = results(as_reviewer.get(f"{API}departments/"))
    assert len(rows) == 13 and {r["region"] for r in rows} == {"320404"}
    assert set(rows[0]) == {"id", "region", "code", "name", "name_en", "email"}
    assert codes(results(as_reviewer.get(f"{API}departments/", {"code": "water"}))) == ["water"]
    assert codes(results(as_reviewer.get(f"{API}departments/", {"search": "农业"}))) == [
        "agriculture"
    ]


def test_responsibilities_list_filters_by_department_role_and_element(as_reviewer):
    rows = results(
        as_reviewer.get(
            f"{API}responsibilities/", {"department__code": "agriculture", "role": "lead"}
        )
    )
    assert {r["data_element"] for r in rows} >= {STRAW, FILM}
    assert {r["department"] for r in rows} == {"agriculture"}
    assert set(rows[0]) == {
        "id",
        "region",
        "data_element",
        "department",
        "department_name",
        "role",
        "due",
    }
    assert re.fullmatch(r"\d\d-\d\d", rows[0]["due"])
    pm25 = results(as_reviewer.get(f"{API}responsibilities/", {"data_element__key": PM25}))
    assert [(r["department"], r["role"]) for r in pm25] == [("ecology", "lead")]


# --- values: reads ------------------------------------------------------------------------


@pytest.fixture
def values(zhonglou, tianning):
    """Straw 2019–2021 (agriculture), PM2.5 2020–2021 (ecology), in several states, and one
    Tianning value nobody of Zhonglou sees."""
    rows = {
        (STRAW, 2019): make_value(zhonglou, STRAW, 2019, status=ValueStatus.APPROVED),
        (STRAW, 2020): make_value(zhonglou, STRAW, 2020, status=ValueStatus.SUBMITTED),
        (STRAW, 2021): make_value(zhonglou, STRAW, 2021, note="秸秆"),
        (PM25, 2020): make_value(zhonglou, PM25, 2020, value="40", status=ValueStatus.RETURNED),
        (PM25, 2021): make_value(zhonglou, PM25, 2021, value="36.9"),
    }
    make_value(tianning, STRAW, 2021)
    return rows


def test_values_list_shape_and_default_order(as_reviewer, values):
    response = as_reviewer.get(f"{API}values/")
    rows = results(response)
    assert response.json()["count"] == 5
    assert set(rows[0]) == VALUE_KEYS
    assert [(r["data_element"], r["year"]) for r in rows] == [
        (PM25, 2020),
        (PM25, 2021),
        (STRAW, 2019),
        (STRAW, 2020),
        (STRAW, 2021),
    ]
    straw = rows[2]
    assert straw["indicator_code"] == "25.1" and straw["unit"] == "%"
    assert straw["value"] == "95.0000" and straw["region"] == "320404"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "320404"}, 5),
        ({"region": "320402"}, 0),
        ({"year": 2021}, 2),
        ({"year_min": 2020}, 4),
        ({"year_max": 2019}, 1),
        ({"year_min": 2020, "year_max": 2020}, 2),
        ({"indicator": "25.1"}, 3),
        ({"indicator": "25"}, 3),  # a parent code includes its children
        ({"indicator": "7.2"}, 2),
        ({"data_element": PM25}, 2),
        ({"department": "agriculture"}, 3),
        ({"department": "ecology"}, 2),
        ({"status": "draft"}, 2),
        ({"status": "returned"}, 1),
        ({"search": "秸秆"}, 3),
    ],
    ids=lambda v: "-".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else None,
)
def test_values_filters(as_reviewer, values, params, expected):
    assert len(results(as_reviewer.get(f"{API}values/", params))) == expected


def test_values_department_filter_reads_the_value_regions_responsibilities(
    as_reviewer, values, tianning
):
    """Departments of different districts share codes: Tianning's agriculture bureau
    supplying PM2.5 there does not make Zhonglou's PM2.5 an agriculture value."""
    from indicators.models import DataElement, Department, Responsibility

    dept = Department.objects.create(region=tianning, code="agriculture", name="天宁区农业农村局")
    Responsibility.objects.create(
        region=tianning, department=dept, data_element=DataElement.objects.get(key=PM25)
    )
    rows = results(as_reviewer.get(f"{API}values/", {"department": "agriculture"}))
    assert {r["data_element"] for r in rows} == {STRAW}


@pytest.mark.parametrize(
    ("ordering", "first", "last"),
    [
        ("year", 2019, 2021),
        ("-year", 2021, 2019),
    ],
)
def test_values_ordering(as_reviewer, values, ordering, first, last):
    rows = results(as_reviewer.get(f"{API}values/", {"ordering": ordering}))
    assert rows[0]["year"] == first and rows[-1]["year"] == last


def test_values_order_by_status_and_element(as_reviewer, values):
    rows = results(as_reviewer.get(f"{API}values/", {"ordering": "status,-data_element__key"}))
    assert [r["status"] for r in rows] == sorted(r["status"] for r in rows)


def test_values_pagination(as_reviewer, values):
    page1 = as_reviewer.get(f"{API}values/", {"page_size": 2}).json()
    assert page1["count"] == 5 and len(page1["results"]) == 2 and page1["previous"] is None
    page3 = as_reviewer.get(f"{API}values/", {"page_size": 2, "page": 3}).json()
    assert len(page3["results"]) == 1 and page3["next"] is None
    assert_error(as_reviewer.get(f"{API}values/", {"page": 99}), 404, "not_found")


def test_value_retrieve(as_reviewer, values):
    value = values[(PM25, 2021)]
    body = as_reviewer.get(f"{API}values/{value.pk}/").json()
    assert set(body) == VALUE_KEYS
    assert body["id"] == value.pk and body["value"] == "36.9000" and body["indicator_code"] == "7.2"
    assert body["version"] == 1 and body["entered_by"] is None


def test_unknown_value_is_404_with_the_error_body(as_reviewer, values):
    assert_error(as_reviewer.get(f"{API}values/999999/"), 404, "not_found")


def test_bad_value_filter_is_400(as_reviewer, values):
    body = assert_error(as_reviewer.get(f"{API}values/", {"year": "abc"}), 400, "invalid")
    assert "year" in body["details"]


@pytest.mark.parametrize(
    "url",
    [
        f"{API}regions/abc/",  # not six digits: no route
        f"{API}frameworks/NOT-LOWER-CASE/",
        f"{API}values/1/evidence/x/download/",
        f"{API}no-such-endpoint/",
        f"{API}regions/%00/scorecard/",  # was a 500 on PostgreSQL
        f"{API}regions/32040/scorecard/",
    ],
)
def test_an_api_url_that_matches_no_route_is_404_with_the_error_body(as_reviewer, url):
    response = as_reviewer.get(url)
    assert response["Content-Type"] == "application/json"
    assert_error(response, 404, "not_found")


def test_a_page_outside_the_api_keeps_the_html_404(as_reviewer):
    response = as_reviewer.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_unsupported_method_is_405_with_the_error_body(as_reviewer, values):
    value = values[(PM25, 2021)]
    assert_error(as_reviewer.delete(f"{API}values/{value.pk}/"), 405, "method_not_allowed")


# --- values: writes -----------------------------------------------------------------------


def create(client, **fields):
    data = {"region": "320404", "data_element": STRAW, "year": 2021, "value": "96.5", **fields}
    return client.post(f"{API}values/", data, format="json")


def test_clerk_creates_a_draft(as_clerk, clerk_a):
    response = create(as_clerk, source="统计年报", note="n")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == VALUE_KEYS | {"warnings"}
    assert body["status"] == "draft" and body["version"] == 1
    assert body["value"] == "96.5000" and body["entered_by"] == clerk_a.username
    assert body["source"] == "统计年报" and body["warnings"] == []
    assert IndicatorValue.objects.get(pk=body["id"]).value == 96.5


def test_create_a_yes_no_value(clerk_b):
    response = create(session_client(clerk_b), data_element=ECO_PLAN, value=None, answer=True)
    assert response.status_code == 201
    assert response.json()["answer"] is True and response.json()["value"] is None


def test_create_warns_when_the_value_jumps(as_clerk, clerk_a, zhonglou):
    entered(clerk_a, zhonglou, STRAW, 2020, "40")
    body = create(as_clerk, value="96").json()
    assert len(body["warnings"]) == 1 and "2020" in body["warnings"][0]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"region": "999999"}, "region"),
        ({"data_element": "no_such_element"}, "data_element"),
        ({"year": 1999}, "year"),
        ({"year": "soon"}, "year"),
        ({"value": "abc"}, "value"),
        ({"value": "120"}, "value"),  # a percentage above 100
        ({"value": "1.23456"}, "value"),
        ({"value": None, "answer": True}, "value"),  # a number element given yes/no
    ],
    ids=[
        "unknown-region",
        "unknown-element",
        "year-too-early",
        "year-not-a-number",
        "value-not-a-number",
        "percentage-above-100",
        "too-many-decimals",
        "answer-for-a-number",
    ],
)
def test_create_invalid_input_is_400_naming_the_field(as_clerk, fields, field):
    body = assert_error(create(as_clerk, **fields), 400, "invalid")
    assert field in body["details"], body


@pytest.mark.parametrize("field", ["region", "data_element"])
def test_create_with_a_nul_character_in_a_code_is_400(as_clerk, field):
    """PostgreSQL cannot compare text holding NUL: the lookup must not reach it (was a 500)."""
    body = assert_error(create(as_clerk, **{field: "320\x00404"}), 400, "invalid")
    assert field in body["details"]


def test_create_with_missing_fields_lists_each(as_clerk):
    response = as_clerk.post(f"{API}values/", {}, format="json")
    body = assert_error(response, 400, "invalid")
    assert {"region", "data_element", "year"} <= set(body["details"])


def test_a_supporting_department_may_not_enter_the_value(as_clerk):
    """Agriculture supports 12.1 (protected species) but ecology leads it: the same rule as
    the admin's."""
    response = create(as_clerk, data_element="protected_species_protection_rate", value="90")
    assert_error(response, 403, "permission_denied")


def test_a_clerk_may_not_enter_another_departments_value(clerk_b):
    assert_error(create(session_client(clerk_b)), 403, "permission_denied")


def test_post_of_an_existing_value_is_409_with_its_id_and_version(as_clerk, clerk_a, zhonglou):
    existing = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    body = assert_error(create(as_clerk), 409, "conflict")
    assert body["details"] == {"id": existing.pk, "current_version": 1}


def test_create_in_a_locked_year_is_400(as_clerk, zhonglou, reviewer):
    from indicators import services

    services.year_lock(actor=reviewer, region=zhonglou, year=2021)
    assert_error(create(as_clerk), 400, "invalid")


def patch(client, row, **fields):
    return client.patch(f"{API}values/{row.pk}/", fields, format="json")


def test_update_a_draft_with_its_version(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    response = patch(as_clerk, value, value="91.5", note="corrected", version=1)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["value"] == "91.5000" and body["note"] == "corrected" and body["version"] == 2
    assert body["source"] == value.source  # left out: unchanged


def test_stale_update_is_409_with_the_current_version(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    entered(clerk_a, zhonglou, STRAW, 2021, "92", expected_version=1)  # someone saved first
    body = assert_error(patch(as_clerk, value, value="91", version=1), 409, "conflict")
    assert body["details"] == {"current_version": 2}
    assert IndicatorValue.objects.get(pk=value.pk).value == 92  # nothing overwritten


def test_update_without_a_version_is_400(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    body = assert_error(patch(as_clerk, value, value="91"), 400, "invalid")
    assert "version" in body["details"]


def test_update_of_an_approved_value_is_400(as_clerk, zhonglou):
    value = make_value(zhonglou, STRAW, 2021, status=ValueStatus.APPROVED)
    assert_error(patch(as_clerk, value, value="91", version=1), 400, "invalid")


def test_update_with_an_implausible_value_is_400(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    body = assert_error(patch(as_clerk, value, value="101", version=1), 400, "invalid")
    assert "value" in body["details"]


def act(client, row, action, **data):
    return client.post(f"{API}values/{row.pk}/{action}/", data, format="json")


def test_the_whole_workflow_through_the_api(as_clerk, as_reviewer, clerk_a, reviewer):
    body = create(as_clerk, value="90").json()
    value = IndicatorValue.objects.get(pk=body["id"])

    submitted = act(as_clerk, value, "submit", version=1).json()
    assert submitted["status"] == "submitted" and submitted["submitted_by"] == clerk_a.username

    returned = act(as_reviewer, value, "return", reason="请附统计年报", version=2).json()
    assert returned["status"] == "returned" and returned["return_reason"] == "请附统计年报"

    fixed = patch(as_clerk, value, value="91", version=3).json()
    assert fixed["status"] == "draft" and fixed["version"] == 4

    act(as_clerk, value, "submit")
    approved = act(as_reviewer, value, "approve").json()
    assert approved["status"] == "approved" and approved["reviewed_by"] == reviewer.username
    assert approved["return_reason"] == "" and approved["version"] == 6

    reopened = act(as_reviewer, value, "reopen", reason="数据口径调整").json()
    assert reopened["status"] == "returned" and reopened["return_reason"] == "数据口径调整"

    history = results(as_reviewer.get(f"{API}values/{value.pk}/history/"))
    assert [(h["version"], h["status"]) for h in history] == [
        (7, "returned"),
        (6, "approved"),
        (5, "submitted"),
        (4, "draft"),
        (3, "returned"),
        (2, "submitted"),
        (1, "draft"),
    ]
    assert all(h["change_reason"] for h in history)
    assert history[0]["user"] == reviewer.username and history[-1]["user"] == clerk_a.username


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_review_actions_need_a_review_state(as_reviewer, clerk_a, zhonglou, action):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")  # a draft
    assert_error(act(as_reviewer, value, action, reason="r"), 400, "invalid")


@pytest.mark.parametrize("action", ["return", "reopen"])
def test_return_and_reopen_need_a_reason(as_reviewer, zhonglou, action):
    status = ValueStatus.SUBMITTED if action == "return" else ValueStatus.APPROVED
    value = make_value(zhonglou, STRAW, 2021, status=status)
    body = assert_error(act(as_reviewer, value, action), 400, "invalid")
    assert "reason" in body["details"]
    body = assert_error(act(as_reviewer, value, action, reason="   "), 400, "invalid")
    assert "reason" in body["details"]


def test_stale_action_is_409_with_the_current_version(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    entered(clerk_a, zhonglou, STRAW, 2021, "91", expected_version=1)
    body = assert_error(act(as_clerk, value, "submit", version=1), 409, "conflict")
    assert body["details"]["current_version"] == 2


def test_submit_of_an_empty_value_is_400(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, None)
    assert_error(act(as_clerk, value, "submit"), 400, "invalid")


def test_submit_of_yes_no_without_evidence_is_400(clerk_b, zhonglou):
    value = entered(clerk_b, zhonglou, ECO_PLAN, 2021, None, answer=True)
    assert_error(act(session_client(clerk_b), value, "submit"), 400, "invalid")


# --- evidence and history -----------------------------------------------------------------


def upload(client, value, file=None, **fields):
    data = {"file": file or pdf_upload(), "title": "统计年报第3页", **fields}
    return client.post(f"{API}values/{value.pk}/evidence/", data, format="multipart")


def test_evidence_upload_list_and_download(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    content = b"%PDF-1.4\n% the yearbook page\n"
    response = upload(as_clerk, value, pdf_upload("年报.pdf", content), official_source="年鉴")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {
        "id",
        "title",
        "official_source",
        "original_name",
        "size",
        "sha256",
        "uploaded_at",
        "download_url",
    }
    assert body["original_name"] == "年报.pdf" and body["size"] == len(content)
    assert body["title"] == "统计年报第3页" and body["official_source"] == "年鉴"

    listed = as_clerk.get(f"{API}values/{value.pk}/evidence/").json()
    assert [e["id"] for e in listed["results"]] == [body["id"]]

    download = as_clerk.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == content


def test_evidence_list_is_paginated_like_every_list(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    upload(as_clerk, value)
    body = as_clerk.get(f"{API}values/{value.pk}/evidence/").json()
    assert isinstance(body, dict) and set(body) == PAGE_KEYS and body["count"] == 1


def test_evidence_download_url_is_the_api_download(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    body = upload(as_clerk, value).json()
    assert body["download_url"].endswith(f"{API}values/{value.pk}/evidence/{body['id']}/download/")


def test_evidence_of_another_value_is_404(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    other = entered(clerk_a, zhonglou, FILM, 2021, "80")
    evidence_id = upload(as_clerk, other).json()["id"]
    url = f"{API}values/{value.pk}/evidence/{evidence_id}/download/"
    assert_error(as_clerk.get(url), 404, "not_found")


def test_evidence_whose_file_is_gone_is_404(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    body = upload(as_clerk, value).json()
    Evidence.objects.get(pk=body["id"]).file.delete(save=False)
    assert_error(as_clerk.get(body["download_url"]), 404)


@pytest.mark.parametrize(
    ("name", "field"),
    [("payload.exe", "file"), ("noextension", "file")],
)
def test_evidence_of_a_refused_type_is_400(as_clerk, clerk_a, zhonglou, name, field):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    body = assert_error(upload(as_clerk, value, pdf_upload(name)), 400, "invalid")
    assert field in body["details"]


def test_evidence_upload_without_a_file_is_400(as_clerk, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    response = as_clerk.post(
        f"{API}values/{value.pk}/evidence/", {"title": "t"}, format="multipart"
    )
    assert "file" in assert_error(response, 400, "invalid")["details"]


def test_evidence_cannot_be_added_to_a_submitted_value(as_clerk, zhonglou):
    value = make_value(zhonglou, STRAW, 2021, status=ValueStatus.SUBMITTED)
    assert_error(upload(as_clerk, value), 403, "permission_denied")


def test_history_is_paginated_newest_first(as_reviewer, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    entered(clerk_a, zhonglou, STRAW, 2021, "91", expected_version=1)
    response = as_reviewer.get(f"{API}values/{value.pk}/history/", {"page_size": 1})
    body = response.json()
    assert set(body) == PAGE_KEYS and body["count"] == 2
    entry = body["results"][0]
    assert set(entry) == {
        "history_id",
        "history_date",
        "history_type",
        "change_reason",
        "user",
        "status",
        "value",
        "answer",
        "version",
        "return_reason",
    }
    assert entry["version"] == 2 and entry["value"] == "91.0000" and entry["history_type"] == "~"
    assert entry["user"] == clerk_a.username


# --- the schema and the docs --------------------------------------------------------------


@pytest.fixture
def schema(db) -> dict:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_schema_is_openapi_3_with_the_key_scheme(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": schema["components"]["securitySchemes"]["ApiKeyAuth"]["description"],
    }
    assert set(schema["components"]["schemas"]["Error"]["required"]) == ERROR_KEYS


def test_schema_documents_every_error_with_the_error_body(schema):
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"401", "403", "404", "429"}
        if method in ("post", "patch"):
            expected |= {"400", "409"}
        assert expected <= set(responses), (method, path, sorted(responses))
        for status, response in responses.items():
            if status.startswith("4"):
                assert response["content"]["application/json"]["schema"] == error_ref, (
                    method,
                    path,
                    status,
                )


def test_schema_documents_400_on_lists_that_filter_or_search(schema):
    for path, method, operation in operations(schema):
        names = {p["name"] for p in operation.get("parameters", [])}
        if method == "get" and names & {"search", "year", "type", "role", "mode"}:
            assert "400" in operation["responses"], path


def test_schema_documents_the_filters(schema):
    def params(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]}

    assert {"region", "year", "year_min", "year_max", "indicator", "department", "status"} <= (
        params("/api/v1/values/")
    )
    assert {"ordering", "search", "page", "page_size", "format"} <= params("/api/v1/values/")
    assert {"edition", "domain", "type", "scope", "department", "search"} <= params(
        "/api/v1/indicators/"
    )
    assert {"region", "edition", "year", "mode"} <= params("/api/v1/assessments/")
    assert {"year", "edition", "mode", "format"} <= params("/api/v1/regions/{code}/scorecard/")


def test_schema_says_an_update_sends_the_version_it_read(schema):
    body = schema["paths"]["/api/v1/values/{id}/"]["patch"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][ref]["required"] == ["version"]
    assert body["required"] is True


def test_schema_has_no_generation_warnings():
    """drf-spectacular could read every view (e.g. the snapshots' queryset and filters)."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "schema generation warnings (run manage.py spectacular --validate)"


def test_schema_is_served_to_anonymous_users(db):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi: 3" in response.content


def test_docs_page_uses_only_local_static_files(db):
    """Swagger UI from drf-spectacular-sidecar: it works with no internet."""
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://|//cdn|//unpkg", html), "a URL outside the site"
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    # The start-up script is served by the page itself (?script), not inline (the CSP).
    assert "/api/docs/?script=" in assets
    for asset in (a for a in assets if not a.startswith("/api/docs/")):
        assert asset.startswith("/" + settings.STATIC_URL.lstrip("/")), asset
        assert finders.find(asset.split("/static/", 1)[1]), f"{asset} is not shipped"


def nested_indicators(body: dict) -> list[dict]:
    return [i for d in body["domains"] for t in d["tasks"] for i in t["indicators"]]
