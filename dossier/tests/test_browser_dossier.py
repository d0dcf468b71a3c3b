"""The dossier in a real browser: from the overview to the dossier page, asking for an evidence
package, and the progress bar that polls (htmx) until the package is ready, under the
Content-Security-Policy (the ``page`` fixture fails the test on any refused script)."""

from __future__ import annotations

import pytest

from tests.test_browser import SHOTS, browser, demo_site, log_in, page  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_leader_reaches_the_dossier_and_builds_a_package(media, page, demo_site):  # noqa: F811
    log_in(page, demo_site, "zl-leader")
    page.click("a.dossier-link")
    page.wait_for_load_state("networkidle")
    assert "/d/320404/dossier/" in page.url
    assert page.locator("section.verdict").get_attribute("data-verdict") == "incomplete"
    page.click("#build-package")
    page.wait_for_load_state("networkidle")
    assert "/dossier/packages/" in page.url
    # Celery runs eagerly in the tests: the build has finished when the page loads.
    page.wait_for_selector("#package-download")
    assert page.locator("#package-progress").get_attribute("data-status") == "ready"
    with page.expect_download() as download:
        page.click("#package-download")
    assert download.value.suggested_filename == "320404-jiangsu-county-2019-2021-evidence.zip"
    page.screenshot(path=str(SHOTS / "dossier-package.png"), full_page=True)
    assert page.console_errors == []


def test_the_progress_bar_polls_until_the_package_is_ready(media, page, demo_site):  # noqa: F811
    from accounts.models import User
    from dossier.choices import PackageStatus
    from dossier.models import EvidencePackage
    from indicators.models import FrameworkEdition, Region

    package = EvidencePackage.objects.create(
        requester=User.objects.get(username="zl-leader"),
        region=Region.objects.get(code="320404"),
        edition=FrameworkEdition.objects.get(code="jiangsu-county-2019"),
        year=2021,
        status=PackageStatus.BUILDING,
        progress=30,
    )
    log_in(page, demo_site, "zl-leader")
    page.goto(f"{demo_site}/d/320404/dossier/packages/{package.pk}/")
    assert page.locator("progress").get_attribute("value") == "30"
    assert page.locator("#package-download").count() == 0
    EvidencePackage.objects.filter(pk=package.pk).update(progress=70)
    page.wait_for_selector('progress[value="70"]', timeout=5000)
    EvidencePackage.objects.filter(pk=package.pk).update(
        status=PackageStatus.READY, progress=100, file_path="gone.zip", files=3, size=2048
    )
    page.wait_for_selector("#package-download", timeout=5000)
    assert page.locator("#package-progress").get_attribute("data-status") == "ready"
    assert page.console_errors == []
