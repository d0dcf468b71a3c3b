"""The review queue in the browser: a reviewer previews a PDF in place, returns one row with a
reason and approves the rest in bulk; the clerk then lands on the returned row first, and
the overview counts the approved values. The submitted values are seeded through the
services, as the department's clerk would submit them."""

from __future__ import annotations

import pytest

from tests.test_browser import SHOTS, browser, demo_site, log_in, page  # noqa: F401

pytestmark = pytest.mark.browser


def _seed_submitted():
    from accounts.models import User
    from indicators import services
    from indicators.models import DataElement, Region
    from tests.factories import pdf_upload

    clerk = User.objects.get(username="zl-agriculture")
    region = Region.objects.get(code="320404")
    values = {}
    for key, year, figure in (
        ("livestock_manure_utilization_rate", 2021, 91),
        ("livestock_manure_utilization_rate", 2020, 90),
        ("indicator_aquatic_species_retention", 2021, 80),
    ):
        value = services.value_save(
            actor=clerk,
            region=region,
            data_element=DataElement.objects.get(key=key),
            year=year,
            value=figure,
            source="钟楼区农业农村局台账（测试）",
        ).value
        if year == 2021 and key.startswith("livestock"):
            services.evidence_add(
                value=value,
                actor=clerk,
                upload=pdf_upload("畜禽粪污台账.pdf", b"%PDF-1.4\n% synthetic test evidence\n"),
                title="畜禽粪污台账",
            )
        values[(key, year)] = services.value_submit(value=value, actor=clerk)
    return values


def _agriculture_approved(page) -> int:  # noqa: F811
    row = page.locator("section.completeness tbody tr", has_text="农业农村局")
    return int(row.locator("td").nth(5).inner_text())


def test_reviewer_previews_returns_one_and_approves_the_rest_in_bulk(page, demo_site):  # noqa: F811
    from indicators.models import IndicatorValue

    values = _seed_submitted()
    returned = values[("indicator_aquatic_species_retention", 2021)]

    log_in(page, demo_site, "zl-reviewer")
    assert page.locator("section.queue-banner [data-queue]").get_attribute("data-queue") == "3"
    approved_before = _agriculture_approved(page)
    page.click("section.queue-banner a")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/d/320404/review/")
    assert page.locator("article.review-row").count() == 3

    # The PDF opens in place, in a sandboxed frame served inline.
    row = page.locator(f"#row-{values[('livestock_manure_utilization_rate', 2021)].pk}")
    with page.expect_response(lambda r: "/view/" in r.url) as shown:
        row.locator("button.preview-button").click()
        page.wait_for_selector("iframe.evidence-frame")
    response = shown.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert "sandbox" in response.header_value("content-security-policy")
    page.screenshot(path=str(SHOTS / "review-queue.png"), full_page=True)

    # One row goes back with a reason, in place.
    back = page.locator(f"#row-{returned.pk}")
    back.locator("form.return input[name=reason]").fill("请补充水产种质资源调查报告")
    decide = f"/review/{returned.pk}/"
    with page.expect_response(
        lambda r: r.url.endswith(decide) and r.request.method == "POST", timeout=60000
    ) as answered:
        back.locator("button.return-button").click()
    assert answered.value.status == 200
    returned.refresh_from_db()
    assert returned.status == "returned"
    # The answer replaces the row in place (a loaded CI machine can take its time).
    page.wait_for_selector(f"#row-{returned.pk}.status-returned", timeout=60000)

    # The rest are approved at once.
    page.check("#select-all")
    page.click("button.bulk-approve")
    page.wait_for_selector("#review-list .bulk-done")
    assert "2" in page.locator("#review-list .bulk-done").inner_text()
    assert page.locator("article.review-row").count() == 0
    statuses = dict(
        IndicatorValue.objects.filter(pk__in=[v.pk for v in values.values()]).values_list(
            "pk", "status"
        )
    )
    assert sorted(statuses.values()) == ["approved", "approved", "returned"]
    page.screenshot(path=str(SHOTS / "review-queue-done.png"), full_page=True)

    # The overview counts the approved values, and the queue is empty.
    page.goto(f"{demo_site}/d/320404/")
    assert page.locator("section.queue-banner [data-queue]").get_attribute("data-queue") == "0"
    assert _agriculture_approved(page) == approved_before + 2
    assert page.console_errors == []

    # The clerk lands on the returned row first, with the reason.
    page.context.clear_cookies()
    log_in(page, demo_site, "zl-agriculture")
    first = page.locator("main section.panel").first
    assert first.get_attribute("data-kind") == "returned"
    assert "请补充水产种质资源调查报告" in first.inner_text()
    page.screenshot(path=str(SHOTS / "clerk-landing-returned.png"), full_page=True)
    assert page.console_errors == []
