"""The entry form (填报) seen from the server: rendering a department's form with 50 rows and
saving 50 rows at once (every row changed, as drafts), through the Django test client as a
clerk posts it; queries per request.

The demo's Zhonglou owes 42 data elements; the benchmark gives one department the lead on all
of them and on copies of some (a new data element and leaf indicator with the same criteria)
up to ``--rows``, with the two years before filled in so that every row shows its history.

    .venv/bin/python bench/bench_entry.py [--rows 50] [--runs 10]
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

from common import machine, report, setup, summary

YEAR = 2024  # the demo holds values up to 2021


def big_department(rows: int):
    """A department of Zhonglou leading ``rows`` owed data elements, and its clerk."""
    from accounts.models import User
    from accounts.roles import Role
    from demo.seed import _user
    from indicators import selectors
    from indicators.choices import ResponsibilityRole
    from indicators.models import Indicator, Region, Responsibility

    region = Region.objects.get(code="320404")
    edition = selectors.region_edition(region)
    dept = region.departments.create(code="bench", name="基准测试局", name_en="Bench bureau")
    owed = sorted(selectors.owed_elements(region, edition))
    leaves = list(
        Indicator.objects.filter(edition=edition, data_element_id__in=owed, formula="")
        .exclude(data_element__value_kind="boolean")
        .select_related("data_element")
    )
    for n in range(max(0, rows - len(owed))):
        source = leaves[n % len(leaves)]
        criteria = list(source.criteria.prefetch_related("rules"))
        element = source.data_element
        element.pk, element.key = None, f"bench_copy_{n}"
        element.save()
        copy = Indicator.objects.get(pk=source.pk)
        copy.pk, copy.code, copy.data_element = None, f"{source.code}b{n}", element
        copy.order += 1000 + n
        copy.save()
        for criterion in criteria:
            rules = list(criterion.rules.all())
            criterion.pk, criterion.indicator = None, copy
            criterion.save()
            for rule in rules:
                rule.pk, rule.criterion = None, criterion
                rule.save()
        owed.append(element.pk)
    elements = owed[:rows]
    Responsibility.objects.filter(
        region=region, data_element_id__in=elements, role=ResponsibilityRole.LEAD
    ).delete()
    Responsibility.objects.bulk_create(
        Responsibility(region=region, data_element_id=pk, department=dept) for pk in elements
    )
    _user("zl-bench", Role.CLERK, region, dept, first_name="基准")
    return region, dept, User.objects.get(username="zl-bench")


def _errors(response) -> list[str]:
    import re

    return re.findall(r'class="error row-error"[^>]*>([^<]*)<', response.content.decode())[:5]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    setup(2)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from assessments import recompute
    from dashboard.entry.selectors import entry_sheet
    from indicators.models import IndicatorValue

    settings.ASSESSMENT_RECOMPUTE = "thread"  # the default: the recompute leaves the request
    region, dept, clerk = big_department(args.rows)
    for year in (YEAR - 2, YEAR - 1):
        for resp in dept.responsibilities.select_related("data_element"):
            element = resp.data_element
            IndicatorValue.objects.create(
                region=region,
                data_element=element,
                year=year,
                value=None if element.is_boolean else element.plausible_min or 1,
                answer=True if element.is_boolean else None,
                entered_by=clerk,
            )
    client = Client(HTTP_HOST="localhost")
    client.force_login(clerk)
    url = reverse("dashboard:entry", args=[region.code, dept.code, YEAR])

    assert client.get(url).status_code == 200
    sheet = entry_sheet(region, dept, YEAR, may_enter=True)
    editable = [row for row in sheet.rows.values() if row.editable]
    assert len(editable) == args.rows, (len(editable), args.rows)

    def render() -> None:
        response = client.get(url)
        assert response.status_code == 200

    def form(run: int) -> dict:
        """Every row changed (a new figure each run), with the versions stored now."""
        versions = dict(
            IndicatorValue.objects.filter(region=region, year=YEAR).values_list(
                "data_element_id", "version"
            )
        )
        data = {"action": "save"}
        for row in editable:
            element = row.element
            prefix = f"r-{element.pk}-"
            if element.is_boolean:
                data[prefix + "value"] = "yes" if run % 2 else "no"
            else:
                low = element.plausible_min or 0
                high = element.plausible_max if element.plausible_max is not None else low + 10
                middle = ((low + high) / 2).quantize(Decimal("0.1"))
                data[prefix + "value"] = str(middle + Decimal("0.1") * (run % 2))
            data[prefix + "version"] = str(versions.get(element.pk, ""))
        return data

    renders, saves = [], []
    for run in range(args.runs + 1):  # the first run warms up (and creates the drafts)
        data = form(run)
        recompute.background.wait_idle()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as save_queries:
            response = client.post(url, data)
        saved = time.perf_counter()
        assert response.status_code == 302, _errors(response)
        recompute.background.wait_idle()
        start_render = time.perf_counter()
        with CaptureQueriesContext(connection) as render_queries:
            render()
        rendered = time.perf_counter() - start_render
        if run:
            saves.append((saved - start) * 1000)
            renders.append(rendered * 1000)
    print(machine())
    report(
        f"The entry form of a department with {args.rows} rows, server side (test client)",
        [
            (f"render the form (GET), {len(render_queries)} queries", summary(renders)),
            (f"save {args.rows} changed rows (POST), {len(save_queries)} queries", summary(saves)),
        ],
    )


if __name__ == "__main__":
    main()
