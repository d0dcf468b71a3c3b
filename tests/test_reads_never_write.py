"""A read never writes: with no stored snapshot, every page, every API read and every
scorecard (JSON, CSV, XLSX) answers, as a leader and as a reviewer, of the district and of the
city, without a single INSERT, UPDATE or DELETE. Storing verdicts is the recompute's job."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.models import AssessmentSnapshot
from demo.synthetic import create_synthetic_regions
from indicators.models import Evidence, IndicatorValue, Region
from tests import factories
from tests.api_helpers import load_demo

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
EDITION = "jiangsu-county-2019"


def page_urls() -> list[str]:
    overview = reverse("overview", kwargs={"region": "320404"})
    urls = [
        reverse("home"),
        overview,
        f"{overview}?mode=provisional&year=2020",
        f"{overview}?edition=national-2019",
        reverse("compare"),
        f"{reverse('compare')}?mode=provisional",
        reverse("department", kwargs={"region": "320404", "code": "agriculture"}),
        reverse("department", kwargs={"region": "320404", "code": "housing"}),
        reverse("notifications:inbox"),
        f"{reverse('notifications:inbox')}?unread=1",
        reverse("notifications:count"),
    ]
    for code in ("1", "7", "7.2", "25", "25.1", "29"):
        urls.append(
            reverse("indicator", kwargs={"region": "320404", "edition": EDITION, "code": code})
        )
    return urls


def api_urls() -> list[str]:
    value = IndicatorValue.objects.filter(region__code="320404").first()
    evidence = Evidence.objects.filter(value__region__code="320404").first()
    scorecard = "/api/v1/regions/320404/scorecard/"
    urls = [
        "/api/v1/frameworks/",
        f"/api/v1/frameworks/{EDITION}/",
        "/api/v1/indicators/",
        "/api/v1/regions/",
        "/api/v1/regions/320404/",
        "/api/v1/departments/",
        "/api/v1/responsibilities/",
        "/api/v1/values/",
        "/api/v1/values/?format=csv",
        "/api/v1/values/?format=xlsx",
        f"/api/v1/values/{value.pk}/",
        f"/api/v1/values/{value.pk}/history/",
        f"/api/v1/values/{value.pk}/evidence/",
        "/api/v1/assessments/",
        "/api/v1/webhooks/",
        scorecard,
        f"{scorecard}?year=2020&mode=provisional",
        f"{scorecard}?edition=national-2019",
        f"{scorecard}?format=csv",
        f"{scorecard}?format=xlsx",
        "/api/schema/",
    ]
    if evidence is not None:
        urls.append(f"/api/v1/values/{evidence.value_id}/evidence/{evidence.pk}/download/")
    return urls


@pytest.fixture
def district(zhonglou):
    load_demo()
    admin = factories.UserFactory(username="synthetic_admin", is_superuser=True, is_staff=True)
    create_synthetic_regions(count=2, actor=admin)
    AssessmentSnapshot.objects.all().delete()
    return zhonglou


def readers(zhonglou) -> dict[str, object]:
    city = Region.objects.get(code="320400")
    return {
        "leader": factories.UserFactory(username="r_leader", role="leader", region=zhonglou),
        "reviewer": factories.UserFactory(username="r_reviewer", role="reviewer", region=zhonglou),
        "city leader": factories.UserFactory(username="r_city", role="leader", region=city),
    }


def writes_while(client, urls) -> list[str]:
    written = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        written += [f"{url}: {q['sql'][:120]}" for q in queries if WRITE.match(q["sql"])]
    return written


def test_no_page_and_no_api_read_writes_a_row(district):
    assert not AssessmentSnapshot.objects.exists()
    for name, user in readers(district).items():
        client = APIClient()
        client.force_login(user)  # the session is written here, before anything is measured
        client.cookies["django_language"] = "zh-hans"
        assert writes_while(client, page_urls() + api_urls()) == [], name

    assert not AssessmentSnapshot.objects.exists()


def test_a_stale_snapshot_is_read_fresh_and_stays_as_stored(district, catalogue):
    from django.utils import timezone

    from assessments import services

    stored = services.snapshot_refresh(
        region=district, edition=catalogue, year=2021, mode="official", now=timezone.now()
    )
    services.mark_stale(district.pk)
    client = APIClient()
    client.force_login(readers(district)["reviewer"])

    assert writes_while(client, page_urls() + api_urls()) == []
    stored.refresh_from_db()
    assert stored.stale and AssessmentSnapshot.objects.count() == 1
