"""The dossier's page and its downloads: who may open them, the link from the overview,
malformed choices, and a query count that does not grow with the packages listed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossier.models import EvidencePackage
from dossier.reports import DOCX, PDF, XLSX

pytestmark = pytest.mark.django_db

INDEX = reverse("dossier:index", kwargs={"region": "320404"})


def doc_url(kind: str, fmt: str, region: str = "320404") -> str:
    return reverse("dossier:document", kwargs={"region": region, "kind": kind, "fmt": fmt})


@pytest.mark.parametrize("who", ["leader", "reviewer", "superuser"])
def test_readers_of_scores_open_the_dossier_page(demo, who, request, as_user):
    page = as_user(request.getfixturevalue(who)).get(INDEX)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-verdict="incomplete"' in text
    for anchor in ("table-docx", "table-xlsx", "table-pdf", "appendix-docx", "build-package"):
        assert f'id="{anchor}"' in text
    assert "Application dossier" in text


@pytest.mark.parametrize("who", ["clerk_a", "clerk_b", "outsider"])
def test_clerks_and_other_districts_get_a_404(demo, who, request, as_user):
    client = as_user(request.getfixturevalue(who))
    assert client.get(INDEX).status_code == 404
    assert client.get(doc_url("table", "docx")).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(demo, client):
    for url in (INDEX, doc_url("table", "xlsx")):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_overview_links_to_the_dossier_with_its_choice(demo, leader, as_user):
    overview = reverse("overview", kwargs={"region": "320404"})
    page = as_user(leader).get(overview + "?year=2020&mode=provisional").content.decode()
    assert 'class="dossier-link"' in page
    assert f"{INDEX}?edition=jiangsu-county-2019&amp;year=2020&amp;mode=provisional" in page


@pytest.mark.parametrize(
    ("kind", "fmt", "content_type"),
    [("table", "docx", DOCX), ("table", "xlsx", XLSX), ("appendix", "docx", DOCX)],
)
def test_the_documents_download_as_attachments(demo, leader, as_user, kind, fmt, content_type):
    response = as_user(leader).get(doc_url(kind, fmt) + "?year=2021")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="320404-jiangsu-county-2019-2021-official-{kind}.{fmt}"'
    )


def test_the_pdf_downloads(demo, reviewer, as_user):
    response = as_user(reviewer).get(doc_url("table", "pdf") + "?year=2021&mode=provisional")
    assert response.status_code == 200 and response["Content-Type"] == PDF
    assert response.content.startswith(b"%PDF")


def test_the_appendix_has_no_pdf_or_xlsx(demo, leader, as_user):
    client = as_user(leader)
    assert client.get(doc_url("appendix", "pdf")).status_code == 404
    assert client.get(doc_url("appendix", "xlsx")).status_code == 404


@pytest.mark.parametrize(
    "query", ["?year=abc", "?year=99999", "?mode=nonsense", "?year=", "?edition=&year=-1"]
)
def test_malformed_choices_fall_back_on_the_defaults(demo, leader, as_user, query):
    assert as_user(leader).get(INDEX + query).status_code == 200


def test_an_unknown_edition_is_a_404(demo, leader, as_user):
    client = as_user(leader)
    assert client.get(INDEX + "?edition=nope").status_code == 404
    assert client.get(doc_url("table", "docx") + "?edition=nope").status_code == 404


def test_the_page_and_the_downloads_write_nothing(demo, leader, as_user):
    from assessments.models import AssessmentSnapshot

    AssessmentSnapshot.objects.all().delete()
    client = as_user(leader)
    with CaptureQueriesContext(connection) as ctx:
        for url in (
            INDEX,
            doc_url("table", "xlsx"),
            doc_url("appendix", "docx"),
            "/api/v1/regions/320404/reports/indicator-table/?format=xlsx",
        ):
            assert client.get(url).status_code == 200, url
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE")
        and "django_session" not in q["sql"]
        and "axes_" not in q["sql"]
    ]
    assert writes == []
    assert not AssessmentSnapshot.objects.exists()


def _packages(n: int, region, edition, user) -> None:
    EvidencePackage.objects.bulk_create(
        EvidencePackage(requester=user, region=region, edition=edition, year=2021) for _ in range(n)
    )


def test_the_page_query_count_does_not_grow_with_the_packages(
    demo, catalogue, leader, reviewer, as_user
):
    client = as_user(leader)
    _packages(1, demo, catalogue, reviewer)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as one:
        client.get(INDEX)
    _packages(8, demo, catalogue, leader)
    with CaptureQueriesContext(connection) as many:
        page = client.get(INDEX).content.decode()
    assert page.count("data-package=") == 9
    assert len(many) == len(one)


def test_the_page_lists_only_the_packages_of_the_region(demo, catalogue, tianning, leader, as_user):
    from tests.factories import UserFactory

    other = UserFactory(username="tn_leader", role="leader", region=tianning)
    _packages(2, tianning, catalogue, other)
    _packages(1, demo, catalogue, leader)
    page = as_user(leader).get(INDEX).content.decode()
    assert page.count("data-package=") == 1
