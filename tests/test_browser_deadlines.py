"""Deadlines in the browser: a reviewer moves the deadline of two of agriculture's data elements
for 2021 with the admin's bulk form (admin → Deadlines → Add, which calls
indicators.services.deadlines_set); the clerk's landing page and the department page then show
the new date, and the changelist's "Back to the default deadline" brings the default back."""

from __future__ import annotations

import datetime

import pytest

from tests.test_browser import SHOTS, browser, demo_site, log_in, page  # noqa: F401

pytestmark = pytest.mark.browser

KEYS = ("livestock_manure_utilization_rate", "indicator_aquatic_species_retention")  # 25.2, 12.3
DEFAULT = datetime.date(2022, 3, 31)  # a 2021 value's default deadline (data/regions/)


def _landing_item(page, code: str):  # noqa: F811
    """The landing page's 2021 item of ``code``, and the kind of list it is in."""
    item = page.locator(f"li.owed-item[data-year='2021'][data-code='{code}']")
    assert item.count() == 1, code
    kind = item.locator("xpath=ancestor::section[1]").get_attribute("data-kind")
    return item, kind


def _department_cell(page, code: str):  # noqa: F811
    """The department page's 2021 cell of ``code`` (its third year column)."""
    row = page.locator("table.owed tbody tr", has=page.locator("th", has_text=f"{code} "))
    return row.locator("td.cell").nth(2)


def _short_date(page, day: datetime.date) -> str:  # noqa: F811
    """``day`` as the department page writes it, in the page's language."""
    from django.utils import formats, translation

    with translation.override(page.get_attribute("html", "lang")):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def _clerk_sees(page, demo_site, due: datetime.date, kind: str, overdue: bool):  # noqa: F811
    page.context.clear_cookies()
    log_in(page, demo_site, "zl-agriculture")
    for code in ("25.2", "12.3"):
        item, listed_in = _landing_item(page, code)
        assert listed_in == kind, (code, listed_in)
        assert due.isoformat() in item.inner_text(), code
    page.goto(f"{demo_site}/d/320404/dept/agriculture/")
    cell = _department_cell(page, "25.2")
    assert _short_date(page, due) in cell.inner_text()
    assert ("overdue" in cell.get_attribute("class").split()) is overdue
    assert cell.locator("strong.late").count() == int(overdue)


def test_reviewer_sets_deadlines_the_clerk_sees_them_then_back_to_the_default(
    page,  # noqa: F811
    demo_site,  # noqa: F811
):
    from django.utils import timezone

    from indicators.models import DataElement, Deadline, Region

    due = timezone.localdate() + datetime.timedelta(days=14)  # "due soon" on the landing page
    # Before: the 2021 values are owed since their default deadline.
    _clerk_sees(page, demo_site, DEFAULT, "overdue", overdue=True)

    page.context.clear_cookies()
    log_in(page, demo_site, "zl-reviewer")
    page.goto(f"{demo_site}/admin/")
    page.locator("a[href='/admin/indicators/deadline/']").first.click()
    page.wait_for_load_state("networkidle")
    page.click(".object-tools a.addlink")  # the changelist's "Add", not the side bar's
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/admin/indicators/deadline/add/")
    page.select_option("#id_region", str(Region.objects.get(code="320404").pk))
    page.select_option(
        "#id_data_elements", [str(e.pk) for e in DataElement.objects.filter(key__in=KEYS)]
    )
    page.fill("#id_years", "2021")
    page.fill("#id_due", due.isoformat())
    page.screenshot(path=str(SHOTS / "deadlines-form.png"), full_page=True)
    page.click("#deadlines-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/admin/indicators/deadline/")
    assert page.locator(".messagelist .success").count() == 1
    assert sorted(Deadline.objects.values_list("data_element__key", "year", "due")) == sorted(
        (key, 2021, due) for key in KEYS
    )
    assert page.console_errors == []

    _clerk_sees(page, demo_site, due, "due_soon", overdue=False)
    page.screenshot(path=str(SHOTS / "deadlines-department.png"), full_page=True)

    page.context.clear_cookies()
    log_in(page, demo_site, "zl-reviewer")
    page.goto(f"{demo_site}/admin/indicators/deadline/")
    assert page.locator("#result_list tbody tr").count() == 2
    for box in page.locator("#result_list input.action-select").all():
        box.check()
    page.select_option("select[name=action]", "reset_selected")
    page.click("button[name=index]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".messagelist .success").count() == 1
    assert not Deadline.objects.exists()

    _clerk_sees(page, demo_site, DEFAULT, "overdue", overdue=True)
    assert page.console_errors == []
