"""Every list endpoint, and the scorecard, costs the same number of queries whatever the
number of rows: each test counts the queries of one request, adds many rows, and counts
again."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import AssessmentSnapshot
from indicators import selectors, services
from indicators.choices import ValueKind, ValueStatus
from indicators.models import (
    DataElement,
    Department,
    FrameworkEdition,
    Indicator,
    IndicatorValue,
    Region,
    Responsibility,
)
from tests.api_helpers import (
    API,
    STRAW,
    clear_cache,  # noqa: F401 (fixture)
    entered,
    key_client,
    make_key,
    pdf_upload,
    session_client,
)

pytestmark = pytest.mark.usefixtures("clear_cache")

STATUSES = itertools.cycle(
    [ValueStatus.DRAFT, ValueStatus.SUBMITTED, ValueStatus.RETURNED, ValueStatus.APPROVED]
)


def queries(client, url: str, params: dict | None = None, *, rows: int | None = None) -> int:
    """The number of queries of one request (after a first one that warms the session, the
    content types and the like); with ``rows``, check that the answer has that many rows."""
    params = {"page_size": 500, **(params or {})}
    assert client.get(url, params).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    if rows is not None:
        assert len(response.json()["results"]) == rows
    return len(captured)


def count_rows(client, url: str, params: dict | None = None) -> int:
    return client.get(url, {"page_size": 500, **(params or {})}).json()["count"]


def assert_constant(client, url, add_rows, params=None, *, grows_by_at_least=20):
    """Same number of queries before and after ``add_rows()``, which must add rows."""
    before_rows = count_rows(client, url, params)
    before = queries(client, url, params, rows=min(before_rows, 500))
    add_rows()
    after_rows = count_rows(client, url, params)
    assert after_rows >= before_rows + grows_by_at_least, (before_rows, after_rows)
    after = queries(client, url, params, rows=min(after_rows, 500))
    assert after == before, f"{before} queries for {before_rows} rows, {after} for {after_rows}"


# --- adding rows --------------------------------------------------------------------------


def add_values(region: Region, n: int, people, elements=None) -> None:
    """``n`` more values of ``region`` (elements × years not taken yet), in every status,
    with the people who entered and reviewed them."""
    elements = list(elements or DataElement.objects.order_by("key"))
    taken = set(IndicatorValue.objects.filter(region=region).values_list("data_element_id", "year"))
    years = [2021, 2020, 2019, *range(2000, 2019)]  # the 2021 window first
    free = [(e, y) for y in years for e in elements if (e.pk, y) not in taken][:n]
    assert len(free) == n, "not enough elements × years for the test"
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            region=region,
            data_element=e,
            year=y,
            status=(status := next(STATUSES)),
            value=None if e.value_kind == ValueKind.BOOLEAN else Decimal("42.5"),
            answer=True if e.value_kind == ValueKind.BOOLEAN else None,
            return_reason="x" if status == ValueStatus.RETURNED else "",
            entered_by=people[0],
            submitted_by=people[0],
            reviewed_by=people[-1],
        )
        for e, y in free
    )


def add_regions(n: int) -> None:
    city = Region.objects.get(code="320400")
    Region.objects.bulk_create(
        Region(code=f"39{i:04d}", name=f"测试区{i}", level="county", parent=city) for i in range(n)
    )


def add_departments(region: Region, n: int) -> list[Department]:
    return Department.objects.bulk_create(
        Department(region=region, code=f"bureau-{i}", name=f"测试局{i}") for i in range(n)
    )


def add_responsibilities(region: Region, n: int) -> None:
    departments = add_departments(region, 3)
    elements = list(DataElement.objects.order_by("key")[:n])
    Responsibility.objects.bulk_create(
        Responsibility(
            region=region, department=departments[i % 3], data_element=e, role="supporting"
        )
        for i, e in enumerate(elements)
    )


def copy_editions(n: int) -> None:
    national = FrameworkEdition.objects.get(code="national-2019")
    for i in range(n):
        services.edition_copy(edition=national, code=f"national-copy-{i}")


def add_snapshots(region: Region, n: int) -> None:
    template = AssessmentSnapshot.objects.filter(region=region).first()
    AssessmentSnapshot.objects.bulk_create(
        AssessmentSnapshot(
            region=region,
            edition=template.edition,
            year=template.year,
            mode=template.mode,
            is_current=False,  # the history of the verdict
            as_of=timezone.now(),
            input_hash=f"{i:064d}",
            verdict=template.verdict,
            binding_met=1,
            binding_applicable=2,
            reference_met=1,
            reference_applicable=2,
            reference_ratio=Decimal("0.5"),
            result=template.result,
        )
        for i in range(n)
    )


# --- catalogue ----------------------------------------------------------------------------


@pytest.fixture
def as_reviewer(reviewer):
    return session_client(reviewer)


def test_frameworks_list(as_reviewer):
    assert_constant(
        as_reviewer, f"{API}frameworks/", lambda: copy_editions(20), grows_by_at_least=20
    )


def test_framework_detail(as_reviewer):
    """A small edition and a large one cost the same."""
    jiangsu = FrameworkEdition.objects.get(code="jiangsu-county-2019")
    small = services.edition_copy(edition=jiangsu, code="small")
    Indicator.objects.filter(edition=small, parent__isnull=False).delete()
    Indicator.objects.filter(edition=small).exclude(code__in=["1", "2"]).delete()
    large = services.edition_copy(edition=jiangsu, code="large")
    small_count = queries(as_reviewer, f"{API}frameworks/small/")
    large_count = queries(as_reviewer, f"{API}frameworks/large/")
    assert small.indicators.count() == 2 and large.indicators.count() == 51
    assert small_count == large_count


def test_indicators_list(as_reviewer):
    assert_constant(
        as_reviewer, f"{API}indicators/", lambda: copy_editions(2), grows_by_at_least=100
    )


def test_regions_list(superuser):
    assert_constant(session_client(superuser), f"{API}regions/", lambda: add_regions(40))


def test_departments_list(as_reviewer, zhonglou):
    assert_constant(as_reviewer, f"{API}departments/", lambda: add_departments(zhonglou, 40))


def test_responsibilities_list(as_reviewer, zhonglou):
    assert_constant(
        as_reviewer, f"{API}responsibilities/", lambda: add_responsibilities(zhonglou, 40)
    )


# --- values -------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["reviewer", "clerk_a", "leader_key"])
def test_values_list(request, zhonglou, clerk_a, reviewer, leader, actor):
    if actor == "leader_key":
        client = key_client(make_key(leader, regions=[zhonglou])[0])
    else:
        client = session_client(request.getfixturevalue(actor))
    people = (clerk_a, reviewer)
    elements = selectors.elements_for_user(clerk_a) if actor == "clerk_a" else None
    add_values(zhonglou, 3, people, elements)
    assert_constant(client, f"{API}values/", lambda: add_values(zhonglou, 40, people, elements))


@pytest.mark.parametrize(
    "params",
    [
        {"department": "agriculture"},
        {"indicator": "25"},
        {"year_min": 2019, "ordering": "-year", "search": "率"},
        {"format": "csv"},
    ],
    ids=["department", "indicator", "range-ordering-search", "csv"],
)
def test_values_list_filtered_or_as_csv(as_reviewer, zhonglou, clerk_a, reviewer, params):
    agriculture = selectors.elements_for_user(clerk_a)
    add_values(zhonglou, 3, (clerk_a, reviewer), agriculture)
    url = f"{API}values/"
    before = queries_any(as_reviewer, url, params)
    add_values(zhonglou, 40, (clerk_a, reviewer), agriculture)
    assert queries_any(as_reviewer, url, params) == before


def queries_any(client, url, params) -> int:
    """Queries of a request whose answer may not be JSON (CSV); it must not be empty (an
    empty page skips the query of its rows)."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(response.content) > 200  # some rows
    return len(captured)


def test_value_history(as_reviewer, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    url = f"{API}values/{value.pk}/history/"

    def edit_many():
        for version in range(1, 31):
            entered(clerk_a, zhonglou, STRAW, 2021, str(60 + version), expected_version=version)

    assert_constant(as_reviewer, url, edit_many, grows_by_at_least=30)


def test_value_evidence_list(as_reviewer, clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, "90")
    services.evidence_add(value=value, actor=clerk_a, upload=pdf_upload(), title="t")
    url = f"{API}values/{value.pk}/evidence/"
    before = queries_any(as_reviewer, url, {})
    for i in range(20):
        services.evidence_add(value=value, actor=clerk_a, upload=pdf_upload(f"{i}.pdf"), title="t")
    assert as_reviewer.get(url, {"page_size": 50}).json()["count"] == 21
    assert queries_any(as_reviewer, url, {}) == before


# --- assessments and the scorecard --------------------------------------------------------


def test_assessments_list(as_reviewer, zhonglou, clerk_a, reviewer):
    add_values(zhonglou, 5, (clerk_a, reviewer))
    store_scorecard(zhonglou)
    assert_constant(as_reviewer, f"{API}assessments/", lambda: add_snapshots(zhonglou, 40))


SCORECARD = f"{API}regions/320404/scorecard/"


def scorecard_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(SCORECARD, params).status_code == 200
    return len(captured)


def store_scorecard(region, year=2021, mode="official"):
    """What the recompute does after a write (a read never stores)."""
    return assessment_services.snapshot_refresh(
        region=region,
        edition=selectors.region_edition(region),
        year=year,
        mode=mode,
        now=timezone.now(),
    )


@pytest.mark.parametrize("mode", ["official", "provisional"])
def test_scorecard_computed_costs_the_same_with_more_values(
    as_reviewer, zhonglou, clerk_a, reviewer, mode
):
    """The read of a stale scorecard, computed in memory: its queries do not grow with the
    values in the window, and it stores nothing."""
    params = {"year": 2021, "mode": mode}
    add_values(zhonglou, 3, (clerk_a, reviewer))
    store_scorecard(zhonglou, mode=mode)

    def read_after(n):
        add_values(zhonglou, n, (clerk_a, reviewer))
        assessment_services.mark_stale(zhonglou.pk)
        return scorecard_queries(as_reviewer, params)

    few, many = read_after(2), read_after(60)
    assert few == many
    assert AssessmentSnapshot.objects.filter(region=zhonglou, mode=mode).count() == 1


def test_scorecard_stored_costs_the_same_with_more_values(as_reviewer, zhonglou, clerk_a, reviewer):
    params = {"year": 2021}
    add_values(zhonglou, 3, (clerk_a, reviewer))
    store_scorecard(zhonglou)
    few = scorecard_queries(as_reviewer, params)
    add_values(zhonglou, 60, (clerk_a, reviewer))
    store_scorecard(zhonglou)
    assert scorecard_queries(as_reviewer, params) == few
    assert scorecard_queries(as_reviewer, {**params, "format": "csv"}) == few
