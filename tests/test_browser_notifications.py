"""The bell in a real browser: its count is fetched by a script of the site (no inline script,
no policy violation), the inbox opens from it, and marking a notification read lowers it."""

from __future__ import annotations

import pytest

from tests.test_browser import browser, demo_site, log_in, page  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_counts_unread_and_the_inbox_marks_them_read(page, demo_site):  # noqa: F811
    from accounts.models import User
    from notifications.models import Notification

    reviewer = User.objects.get(username="zl-reviewer")
    Notification.objects.filter(recipient=reviewer).delete()  # the demo's submissions
    for n in range(3):
        Notification.objects.create(
            recipient=reviewer, kind="values_submitted", title=f"submitted {n}", body="…"
        )
    log_in(page, demo_site, "zl-reviewer")
    page.wait_for_selector("#bell-count:not([hidden])")
    assert page.inner_text("#bell-count") == "3"
    page.click("#bell")
    page.wait_for_load_state("networkidle")
    assert page.locator(".inbox li.unread").count() == 3
    page.locator(".inbox li.unread button").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".inbox li.unread").count() == 2
    page.wait_for_selector("#bell-count:not([hidden])")
    assert page.inner_text("#bell-count") == "2"
    page.click("#read-all")
    page.wait_for_load_state("networkidle")
    assert page.locator(".inbox li.unread").count() == 0
    assert page.locator("#bell-count").is_hidden()
