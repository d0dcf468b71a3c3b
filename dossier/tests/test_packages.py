"""The evidence package: what it holds (approved values' evidence in the window, by domain,
indicator and year, the manifest and the indicator table), hashes that match, a build that
streams in chunks and records failures, and who may ask for it, follow it and download it."""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from dossier import services
from dossier.choices import PackageStatus
from dossier.documents.sheet import table_header_row
from dossier.models import EvidencePackage
from dossier.tests.helpers import WINDOW, YEAR
from indicators.choices import ValueStatus
from indicators.models import Evidence, IndicatorValue
from tests.factories import make_value

pytestmark = pytest.mark.django_db


def attach(value: IndicatorValue, name: str, content: bytes, title: str = "佐证") -> Evidence:
    """An evidence file written directly (the workflow that led there is not under test)."""
    evidence = Evidence(
        value=value,
        token=secrets.token_hex(16),
        original_name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        title=title,
        official_source="常州市统计年鉴 2022",
    )
    evidence.file.save(name, ContentFile(content), save=False)
    evidence.save()
    return evidence


@pytest.fixture
def evidenced(demo, clerk_a):
    """The demo with more evidence: two files of the approved straw value of 2021 (same
    name), one of a draft and one of an approved value outside the window."""
    straw = IndicatorValue.objects.get(
        region=demo, data_element__key="straw_utilization_rate", year=YEAR
    )
    attach(straw, "秸秆统计表.pdf", b"%PDF-1.4 straw 2021\n" * 500, title="秸秆综合利用统计")
    attach(straw, "秸秆统计表.pdf", b"%PDF-1.4 second\n")
    draft = make_value(demo, "urban_sewage_treatment_rate", YEAR, status=ValueStatus.DRAFT)
    attach(draft, "draft.pdf", b"draft")
    old = make_value(demo, "straw_utilization_rate", 2017, status=ValueStatus.APPROVED)
    attach(old, "old.pdf", b"old")
    return demo


def build(actor, region, edition, django_capture_on_commit_callbacks) -> EvidencePackage:
    with django_capture_on_commit_callbacks(execute=True):
        package = services.package_request(actor=actor, region=region, edition=edition, year=YEAR)
    package.refresh_from_db()
    return package


@pytest.fixture
def package(evidenced, catalogue, leader, django_capture_on_commit_callbacks):
    return build(leader, evidenced, catalogue, django_capture_on_commit_callbacks)


def read_zip(package) -> zipfile.ZipFile:
    return zipfile.ZipFile(services.dossier_root() / package.file_path)


def manifest(zf: zipfile.ZipFile) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(zf.read("index.xlsx"))).active
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_the_package_holds_every_approved_evidence_file_of_the_window_and_hashes_match(package):
    assert package.status == PackageStatus.READY and package.progress == 100
    expected = Evidence.objects.filter(
        value__region=package.region,
        value__status=ValueStatus.APPROVED,
        value__year__in=WINDOW,
    )
    assert package.files == expected.count() >= 3
    with read_zip(package) as zf:
        assert zf.testzip() is None
        rows = manifest(zf)
        assert len(rows) == package.files
        files = [n for n in zf.namelist() if n.startswith("evidence/")]
        assert sorted(files) == sorted(row[0] for row in rows)
        for name, _indicator, _year, _title, _source, _uploader, digest in rows:
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest
        assert {row[6] for row in rows} == set(expected.values_list("sha256", flat=True))
        assert not any("draft" in n or "old" in n for n in zf.namelist())
        assert {"index.xlsx", "indicator-table.docx", "indicator-table.xlsx"} <= set(zf.namelist())


def test_the_files_are_in_folders_by_domain_indicator_and_year(package):
    with read_zip(package) as zf:
        straw = [n for n in zf.namelist() if "秸秆统计表" in n]
        rows = {row[0]: row for row in manifest(zf)}
    assert len(straw) == 2  # the same name twice: the second is numbered
    assert straw[1].endswith("秸秆统计表 (2).pdf")
    _, domain, indicator, year, _name = straw[0].split("/")
    assert domain.endswith("生态经济")
    assert indicator.startswith("25.1 ")
    assert year == "2021"
    row = rows[straw[0]]
    assert row[1].startswith("25.1 ") and row[2] == "2021" and row[3] == "秸秆综合利用统计"
    assert row[4] == "常州市统计年鉴 2022"


def test_the_indicator_table_inside_lists_the_scorecards_indicators(package):
    from assessments import selectors

    card = selectors.scorecard(
        region=package.region, edition=package.edition, year=YEAR, mode="official"
    )
    with read_zip(package) as zf:
        sheet = load_workbook(io.BytesIO(zf.read("indicator-table.xlsx"))).active
    first = table_header_row(sheet)
    codes = [row[2] for row in sheet.iter_rows(min_row=first + 1, values_only=True)]
    assert codes == [i.code for i in card.result.indicators]


def test_evidence_is_copied_in_chunks(evidenced, catalogue, leader, monkeypatch, tmp_path):
    monkeypatch.setattr(services, "CHUNK", 7)
    path = tmp_path / "p.zip"
    files, size = services.write_package(evidenced, catalogue, YEAR, path)
    with zipfile.ZipFile(path) as zf:
        for name, *_rest, digest in manifest(zf):
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest
    assert size == path.stat().st_size and files >= 3


def test_a_failed_build_is_recorded_and_leaves_no_partial_file(
    evidenced, catalogue, leader, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(region, edition, year, path, progress):
        path.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(services, "write_package", broken)
    package = build(leader, evidenced, catalogue, django_capture_on_commit_callbacks)
    assert package.status == PackageStatus.FAILED
    assert "disk full" in package.error and not package.file_path
    assert list(services.dossier_root().iterdir()) == []


def test_building_a_ready_package_again_changes_nothing(package):
    again = services.package_build(package_id=package.pk)
    assert again.file_path == package.file_path
    assert len(list(services.dossier_root().iterdir())) == 1


def test_the_requester_follows_the_build_on_its_page(package, leader, as_user):
    client = as_user(leader)
    url = reverse("dossier:package", kwargs={"region": "320404", "pk": package.pk})
    page = client.get(url).content.decode()
    assert 'data-status="ready"' in page and 'id="package-download"' in page
    assert "hx-trigger" not in page  # finished: the bar stops polling


def test_the_bar_polls_while_the_package_builds(package, leader, as_user):
    EvidencePackage.objects.filter(pk=package.pk).update(status=PackageStatus.BUILDING, progress=42)
    url = reverse("dossier:package-progress", kwargs={"region": "320404", "pk": package.pk})
    fragment = as_user(leader).get(url).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'value="42"' in fragment
    assert "package-download" not in fragment
    assert "<html" not in fragment


def download(client, package):
    url = reverse("dossier:package-download", kwargs={"region": "320404", "pk": package.pk})
    return client.get(url)


@pytest.mark.parametrize("who", ["leader", "reviewer", "superuser"])
def test_the_requester_and_the_regions_reviewers_and_leaders_download_it(
    package, who, request, as_user
):
    response = download(as_user(request.getfixturevalue(who)), package)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None


@pytest.mark.parametrize("who", ["clerk_a", "clerk_b", "outsider"])
def test_clerks_and_other_districts_cannot_download_it(package, who, request, as_user):
    user = request.getfixturevalue(who)
    client = as_user(user)
    assert download(client, package).status_code == 404
    page = reverse("dossier:package", kwargs={"region": "320404", "pk": package.pk})
    assert client.get(page).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(package, client):
    response = download(client, package)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_package_not_yet_ready_is_not_downloadable(package, leader, as_user):
    EvidencePackage.objects.filter(pk=package.pk).update(status=PackageStatus.BUILDING)
    assert download(as_user(leader), package).status_code == 404


def test_a_package_is_not_reached_under_another_region(package, superuser, as_user):
    url = reverse("dossier:package-download", kwargs={"region": "320402", "pk": package.pk})
    assert as_user(superuser).get(url).status_code == 404


CREATE = reverse("dossier:package-create", kwargs={"region": "320404"})


def test_a_leader_asks_for_a_package_and_lands_on_its_page(
    evidenced, leader, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(leader).post(CREATE, {"year": YEAR})
    package = EvidencePackage.objects.get()
    assert package.requester == leader and package.year == YEAR
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "dossier:package", kwargs={"region": "320404", "pk": package.pk}
    )
    package.refresh_from_db()
    assert package.ready


@pytest.mark.parametrize("who", ["clerk_a", "outsider"])
def test_clerks_and_other_districts_cannot_ask_for_one(evidenced, who, request, as_user):
    response = as_user(request.getfixturevalue(who)).post(CREATE, {"year": YEAR})
    assert response.status_code == 404
    assert not EvidencePackage.objects.exists()


def test_the_service_refuses_a_clerk(evidenced, catalogue, clerk_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.package_request(actor=clerk_a, region=evidenced, edition=catalogue, year=YEAR)


def test_asking_needs_a_post(evidenced, leader, as_user):
    assert as_user(leader).get(CREATE).status_code == 405
