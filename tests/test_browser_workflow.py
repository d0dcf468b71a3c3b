"""A clerk and a reviewer carry a value from empty to approved with evidence, in the browser,
as a new user would: through the department page, the admin form and its buttons."""

from __future__ import annotations

import pytest

from tests.test_browser import SHOTS, browser, demo_site, log_in, page  # noqa: F401

pytestmark = pytest.mark.browser


def test_value_goes_from_empty_to_approved_with_evidence(page, demo_site, tmp_path):  # noqa: F811
    from indicators.models import IndicatorValue

    evidence = tmp_path / "畜禽粪污利用台账.pdf"
    evidence.write_bytes(b"%PDF-1.4 synthetic test evidence")

    # The clerk finds what is owed on the department page and follows "Enter".
    log_in(page, demo_site, "zl-agriculture")
    page.goto(f"{demo_site}/d/320404/dept/agriculture/")
    row = page.locator("table.owed tbody tr", has_text="畜禽粪污综合利用率")
    row.locator("td.cell").nth(2).locator("a").click()  # the 2021 cell
    page.wait_for_load_state("networkidle")
    assert "/admin/indicators/indicatorvalue/add/" in page.url

    page.fill("#id_value", "82.5")
    page.fill("#id_source", "钟楼区农业农村局 2021 年畜禽粪污资源化利用台账（测试）")
    page.fill("#id_evidence-0-title", "畜禽粪污利用台账")
    page.set_input_files("#id_evidence-0-file", str(evidence))
    page.click("input[name=_continue]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".zl-status-draft").count() == 1
    page.screenshot(path=str(SHOTS / "workflow-draft.png"), full_page=True)

    page.click("button.zl-action-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator(".zl-status-submitted").count() == 1
    value = IndicatorValue.objects.get(
        data_element__key="livestock_manure_utilization_rate", year=2021
    )
    assert value.status == "submitted" and value.evidence.count() == 1

    # The reviewer opens the submitted value, sees the evidence and approves it.
    page.context.clear_cookies()
    log_in(page, demo_site, "zl-reviewer")
    page.goto(f"{demo_site}/admin/indicators/indicatorvalue/{value.pk}/change/")
    assert "畜禽粪污利用台账" in page.content()
    page.click("button.zl-action-approve")
    page.wait_for_load_state("networkidle")
    assert page.locator(".zl-status-approved").count() == 1
    page.screenshot(path=str(SHOTS / "workflow-approved.png"), full_page=True)
    value.refresh_from_db()
    assert value.status == "approved" and value.reviewed_by.username == "zl-reviewer"
    assert page.console_errors == []


def test_reviewer_returns_a_value_with_a_reason_the_clerk_then_reads(page, demo_site):  # noqa: F811
    from accounts.models import User
    from indicators import services
    from indicators.models import DataElement, Region

    clerk = User.objects.get(username="zl-agriculture")
    value = services.value_save(
        actor=clerk,
        region=Region.objects.get(code="320404"),
        data_element=DataElement.objects.get(key="straw_utilization_rate"),
        year=2020,
        value=95,
    ).value
    services.value_submit(value=value, actor=clerk)

    log_in(page, demo_site, "zl-reviewer")
    page.goto(f"{demo_site}/admin/indicators/indicatorvalue/{value.pk}/change/")
    page.fill("form.zl-action textarea[name=reason]", "请补充 2020 年秸秆收储台账")
    page.click("button.zl-action-return")
    page.wait_for_load_state("networkidle")
    assert page.locator(".zl-status-returned").count() == 1

    page.context.clear_cookies()
    log_in(page, demo_site, "zl-agriculture")
    assert "请补充 2020 年秸秆收储台账" in page.locator("section.owed-returned").inner_text()
