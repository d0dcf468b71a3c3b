"""The entry form (填报) in a real browser: a clerk fills every row of a year for their
department with the keyboard, sees the plausibility check as they type, attaches a PDF by
its file input, saves, is warned before leaving with unsaved changes, and submits."""

from __future__ import annotations

import pytest

from tests.test_browser import SHOTS, browser, demo_site, log_in, page  # noqa: F401

pytestmark = pytest.mark.browser


def _plausible(element, year: int) -> str:
    """Last year's value when there is one (no large change to explain), else 95."""
    from indicators.models import IndicatorValue

    last = IndicatorValue.objects.filter(
        region__code="320404", data_element=element, year=year - 1
    ).first()
    if last is not None and last.value is not None:
        return format(last.value.normalize(), "f")
    return "95"


def test_a_clerk_fills_a_whole_year_with_the_keyboard_then_saves_and_submits(
    page,  # noqa: F811
    demo_site,  # noqa: F811
    tmp_path,
):
    from playwright.sync_api import expect

    from indicators.models import DataElement, IndicatorValue

    evidence = tmp_path / "秸秆综合利用台账.pdf"
    evidence.write_bytes(b"%PDF-1.4 synthetic test evidence")

    log_in(page, demo_site, "zl-agriculture")
    page.goto(f"{demo_site}/d/320404/dept/agriculture/")
    start = page.locator("a.start-year")
    year = int(start.get_attribute("href").rstrip("/").rsplit("/", 1)[1])
    start.click()
    page.wait_for_load_state("networkidle")
    assert f"/entry/agriculture/{year}/" in page.url

    rows = page.locator(".entry-row.editable")
    count = rows.count()
    assert count >= 4
    first = rows.nth(0).locator("input[data-col=value]")
    first.focus()

    # An implausible figure is flagged as it is typed, by the server's own rule.
    page.keyboard.type("150")
    rows.nth(0).locator(".check .check-error").first.wait_for()
    assert "100" in rows.nth(0).locator(".check").inner_text()

    # Every row with the keyboard: type, Enter to the next row's value.
    for n in range(count):
        element = DataElement.objects.get(pk=rows.nth(n).get_attribute("data-element"))
        page.keyboard.press("Control+A")
        page.keyboard.type(_plausible(element, year))
        page.keyboard.press("Enter")  # moves on, does not submit
    assert f"/entry/agriculture/{year}/" in page.url
    # The corrected figure's check answers (after its debounce) with no error.
    expect(rows.nth(0).locator(".check .check-error")).to_have_count(0, timeout=15000)
    # Tab moves from a row's value to its source.
    rows.nth(0).locator("input[data-col=value]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.col") == "source"
    page.keyboard.type("钟楼区农业农村局 台账（测试）")

    rows.nth(0).locator("input[type=file]").set_input_files(str(evidence))
    assert "秸秆综合利用台账.pdf" in rows.nth(0).locator("ul.chosen").inner_text()

    # Leaving with unsaved changes asks first.
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator("p.crumbs a").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert f"/entry/agriculture/{year}/" in page.url
    page.remove_listener("dialog", dismiss)
    page.screenshot(path=str(SHOTS / "entry-typed.png"), full_page=True)

    page.click("button[value=save]")
    page.wait_for_load_state("networkidle")
    values = IndicatorValue.objects.filter(region__code="320404", year=year)
    assert values.count() == count
    assert set(values.values_list("status", flat=True)) == {"draft"}
    first_value = values.get(data_element_id=rows.nth(0).get_attribute("data-element"))
    assert first_value.evidence.count() == 1
    assert "秸秆综合利用台账.pdf" in rows.nth(0).locator("ul.evidence").inner_text()

    page.click("button[value=submit_complete]")
    page.wait_for_load_state("networkidle")
    assert set(values.values_list("status", flat=True)) == {"submitted"}
    assert page.locator(".entry-row.editable").count() == 0
    progress = page.locator("[data-count=submitted]").inner_text()
    assert int(progress) == count
    page.screenshot(path=str(SHOTS / "entry-submitted.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, width
    assert page.console_errors == []
