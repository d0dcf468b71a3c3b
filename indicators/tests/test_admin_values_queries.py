"""The value change list costs the same number of queries whatever the number of rows."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import selectors
from indicators.choices import ValueKind, ValueStatus
from indicators.models import DataElement, IndicatorValue

from .values_helpers import url

STATUSES = itertools.cycle(
    [ValueStatus.DRAFT, ValueStatus.SUBMITTED, ValueStatus.RETURNED, ValueStatus.APPROVED]
)


def add_values(region, elements, years, n: int, people) -> None:
    """``n`` more values of ``region`` over the given elements × years (skipping taken ones),
    in every status, with the people who entered and reviewed them."""
    taken = set(IndicatorValue.objects.filter(region=region).values_list("data_element_id", "year"))
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
            reviewed_by=people[1],
        )
        for e, y in free
    )


def changelist_queries(client, user) -> tuple[int, int]:
    client.force_login(user)
    client.get(url("changelist"))  # warm the session and the content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("changelist"))
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize("user", ["reviewer", "clerk_a"])
def test_changelist_query_count_does_not_grow_with_rows(
    request, client, zhonglou, clerk_a, reviewer, user
):
    viewer = request.getfixturevalue(user)
    elements = list(selectors.elements_for_user(viewer).order_by("key"))
    years = range(2010, 2022)
    n = 6

    add_values(zhonglou, elements, years, n, (clerk_a, reviewer))
    few, rows = changelist_queries(client, viewer)
    assert rows == n
    add_values(zhonglou, elements, years, 2 * n, (clerk_a, reviewer))
    many, rows = changelist_queries(client, viewer)
    assert rows == 3 * n

    assert many == few


def test_leader_changelist_query_count_does_not_grow_with_rows(
    client, zhonglou, clerk_a, reviewer, leader
):
    elements = list(DataElement.objects.order_by("key"))
    add_values(zhonglou, elements, [2020], 10, (clerk_a, reviewer))
    few, _rows = changelist_queries(client, leader)
    add_values(zhonglou, elements, [2021], 20, (clerk_a, reviewer))
    many, rows = changelist_queries(client, leader)

    assert rows == 30
    assert many == few


@pytest.mark.parametrize("user", ["reviewer", "superuser"])
def test_a_readers_changelist_counts_once_and_reads_no_distinct(
    request, client, zhonglou, reviewer, user
):
    """At province scale the page's cost is its counts and its filters: one COUNT of the
    values (no second "N total" count; an administrator's without a join to the regions),
    and the year filter from each region's index, not a DISTINCT over every value."""
    client.force_login(request.getfixturevalue(user))
    client.get(url("changelist"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("changelist")).status_code == 200
    counts = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "indicators_indicatorvalue"')
    ]
    assert len(counts) == 1, counts
    if user == "superuser":
        assert "JOIN" not in counts[0]
    assert not any("SELECT DISTINCT" in q["sql"] for q in queries)
