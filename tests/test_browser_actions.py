"""A corrective action in the browser: a reviewer creates it from a gap on the overview, the lead
department's clerk reports progress and marks it done, and the overview shows it."""

from __future__ import annotations

import pytest

from tests.test_browser import SHOTS, browser, demo_site, log_in, page  # noqa: F401

pytestmark = pytest.mark.browser


def test_reviewer_creates_an_action_the_clerk_updates_it_the_overview_shows_it(
    page,  # noqa: F811
    demo_site,  # noqa: F811
):
    from actions.models import CorrectiveAction

    log_in(page, demo_site, "zl-reviewer")
    page.goto(f"{demo_site}/d/320404/")
    link = page.locator("section.gaps a.create-action").first
    code = link.get_attribute("href").rsplit("code=", 1)[1]
    link.click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_description", "组织各街道补报台账并复核口径（测试）")
    page.select_option("#id_lead_department", label="钟楼区农业农村局")
    page.fill("#id_due_date", "2099-03-31")
    page.fill("#id_milestones", "2099-01-31 完成台账收集")
    page.click("#action-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    action = CorrectiveAction.objects.get()
    assert action.indicator.code == code and action.status == "open"
    assert page.locator("#action-status [data-action-status=open]").count() == 1

    page.context.clear_cookies()
    log_in(page, demo_site, "zl-agriculture")
    page.goto(f"{demo_site}/d/320404/dept/agriculture/")
    page.locator(f"#department-actions tr[data-action='{action.pk}'] a").first.click()
    page.wait_for_load_state("networkidle")
    page.fill("#note-form #id_text", "已收集六个街道的台账")
    page.click("#note-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.select_option("#status-form #id_status", "done")
    page.click("#status-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#action-status [data-action-status=done]").count() == 1
    assert page.locator("#verify-form").count() == 0  # verifying is the reviewers'
    action.refresh_from_db()
    assert action.status == "done" and action.notes.count() == 1

    page.context.clear_cookies()
    log_in(page, demo_site, "zl-leader")
    page.goto(f"{demo_site}/d/320404/")
    cell = page.locator(
        "section.gaps td.gap-action", has=page.locator(f"a[href$='/actions/{action.pk}/']")
    )
    assert cell.count() == 1
    assert cell.locator("[data-action-status=done]").count() == 1
    page.screenshot(path=str(SHOTS / "overview-action.png"), full_page=True)
