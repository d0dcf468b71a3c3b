"""The permission matrix of API v1: every endpoint and action × every actor, one test id per
cell, asserting the status code and, for lists, which rows the actor sees.

Actors: the agriculture clerk (clerk_a) and the ecology clerk (clerk_b) signed in, Zhonglou's
reviewer and leader signed in, a read-only key of the leader, a write key of clerk_a, the
Tianning reviewer (outsider) signed in, and anonymous. The values: agriculture's straw figure
as a draft (with evidence), submitted and approved; ecology's PM2.5 draft; a Tianning value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.services import snapshot_refresh
from indicators import services
from indicators.choices import ValueStatus
from indicators.models import FrameworkEdition, Indicator
from tests.api_helpers import (
    API,
    PM25,
    STRAW,
    assert_error,
    clear_cache,  # noqa: F401 (fixture)
    entered,
    key_client,
    make_key,
    make_value,
    pdf_upload,
    session_client,
)

pytestmark = pytest.mark.usefixtures("clear_cache")

ACTORS = ["clerk_a", "clerk_b", "reviewer", "leader", "ro_key", "w_key", "outsider", "anon"]


@dataclass
class World:
    draft: object  # straw 2021, agriculture's draft, with evidence
    submitted: object  # straw 2020
    approved: object  # straw 2019
    pm25: object  # ecology's draft
    tianning: object  # Tianning's straw 2021
    evidence: object
    indicator: object  # 25.1
    department: object  # agriculture
    responsibility: object  # agriculture leads straw
    snapshot: object = None  # Zhonglou's stored scorecard (with the snapshots fixture)
    action: object = None  # a done corrective action on 25, agriculture leads (action fixture)
    hook: object = None  # the reviewer's consumer webhook for Zhonglou (hook fixture)
    package: object = None  # Zhonglou's ready evidence package, asked by the reviewer


@pytest.fixture
def world(zhonglou, tianning, clerk_a) -> World:
    draft = entered(clerk_a, zhonglou, STRAW, 2021, "96")
    evidence = services.evidence_add(value=draft, actor=clerk_a, upload=pdf_upload(), title="t")
    return World(
        draft=draft,
        submitted=make_value(zhonglou, STRAW, 2020, status=ValueStatus.SUBMITTED),
        approved=make_value(zhonglou, STRAW, 2019, status=ValueStatus.APPROVED),
        pm25=make_value(zhonglou, PM25, 2021, value="36.9"),
        tianning=make_value(tianning, STRAW, 2021, status=ValueStatus.APPROVED),
        evidence=evidence,
        indicator=Indicator.objects.get(edition__code="jiangsu-county-2019", code="25.1"),
        department=clerk_a.department,
        responsibility=clerk_a.department.responsibilities.get(data_element__key=STRAW),
    )


@pytest.fixture
def snapshots(world, zhonglou, tianning) -> None:
    """A stored scorecard of each district (for the assessments endpoints)."""
    edition = FrameworkEdition.objects.get(code="jiangsu-county-2019")
    for region in (tianning, zhonglou):
        world.snapshot = snapshot_refresh(
            region=region, edition=edition, year=2021, mode="official", now=timezone.now()
        )


@pytest.fixture
def action(world, zhonglou, reviewer, clerk_a) -> None:
    """A corrective action on 25 (missing in 2021: the straw figure is a draft), done by its
    lead department, agriculture (for the actions endpoints)."""
    import datetime

    from actions import services as action_services

    world.action = action_services.action_create(
        actor=reviewer,
        region=zhonglou,
        edition=FrameworkEdition.objects.get(code="jiangsu-county-2019"),
        indicator=Indicator.objects.get(edition__code="jiangsu-county-2019", code="25"),
        year=2021,
        description="补报台账",
        lead_department=clerk_a.department,
        due_date=datetime.date(2099, 3, 31),
    )
    action_services.action_transition(actor=clerk_a, action=world.action, status="done")


@pytest.fixture
def hook(world, zhonglou, reviewer) -> None:
    """A consumer webhook the reviewer registered for Zhonglou (for the webhooks endpoints)."""
    from notifications.models import WebhookEndpoint

    world.hook = WebhookEndpoint.objects.create(
        name="city platform",
        kind="consumer",
        url="https://platform.example/hook",
        secret="s" * 20,
        region=zhonglou,
        events=["value.approved"],
        owner=reviewer,
    )


@pytest.fixture
def package(world, zhonglou, reviewer, settings, tmp_path) -> None:
    """A ready evidence package of Zhonglou with its file (for the evidence-packages
    endpoints)."""
    from dossier import services as dossier_services
    from dossier.models import EvidencePackage

    settings.MEDIA_ROOT = tmp_path
    dossier_services.dossier_root().mkdir(parents=True)
    (dossier_services.dossier_root() / "p.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    world.package = EvidencePackage.objects.create(
        requester=reviewer,
        region=zhonglou,
        edition=FrameworkEdition.objects.get(code="jiangsu-county-2019"),
        year=2021,
        status="ready",
        progress=100,
        file_path="p.zip",
        size=22,
    )


@pytest.fixture
def client_for(request) -> Callable:
    """A client acting as one of ACTORS (only that actor's user is created)."""

    def make(actor: str) -> APIClient:
        if actor == "anon":
            return APIClient()
        if actor == "ro_key":
            return key_client(make_key(request.getfixturevalue("leader"))[0])
        if actor == "w_key":
            return key_client(make_key(request.getfixturevalue("clerk_a"), can_write=True)[0])
        return session_client(request.getfixturevalue(actor))

    return make


# --- what each cell asks ------------------------------------------------------------------


def value_url(value, suffix: str = "") -> str:
    return f"{API}values/{value.pk}/{suffix}"


REQUESTS: dict[str, Callable[[APIClient, World], object]] = {
    "frameworks-list": lambda c, w: c.get(f"{API}frameworks/"),
    "frameworks-retrieve": lambda c, w: c.get(f"{API}frameworks/jiangsu-county-2019/"),
    "indicators-list": lambda c, w: c.get(f"{API}indicators/"),
    "indicators-retrieve": lambda c, w: c.get(f"{API}indicators/{w.indicator.pk}/"),
    "regions-list": lambda c, w: c.get(f"{API}regions/"),
    "regions-retrieve": lambda c, w: c.get(f"{API}regions/320404/"),
    "departments-list": lambda c, w: c.get(f"{API}departments/"),
    "departments-retrieve": lambda c, w: c.get(f"{API}departments/{w.department.pk}/"),
    "responsibilities-list": lambda c, w: c.get(f"{API}responsibilities/"),
    "responsibilities-retrieve": lambda c, w: c.get(
        f"{API}responsibilities/{w.responsibility.pk}/"
    ),
    "values-list": lambda c, w: c.get(f"{API}values/"),
    "values-retrieve": lambda c, w: c.get(value_url(w.draft)),
    "values-retrieve-ecology": lambda c, w: c.get(value_url(w.pm25)),
    "values-create": lambda c, w: c.post(
        f"{API}values/",
        {"region": "320404", "data_element": STRAW, "year": 2022, "value": "97"},
        format="json",
    ),
    "values-batch": lambda c, w: c.post(
        f"{API}values/batch/",
        {"region": "320404", "values": [{"data_element": STRAW, "year": 2022, "value": "97"}]},
        format="json",
    ),
    "values-partial_update": lambda c, w: c.patch(
        value_url(w.draft), {"value": "95", "version": w.draft.version}, format="json"
    ),
    "values-submit": lambda c, w: c.post(value_url(w.draft, "submit/"), {}, format="json"),
    "values-approve": lambda c, w: c.post(value_url(w.submitted, "approve/"), {}, format="json"),
    "values-return": lambda c, w: c.post(
        value_url(w.submitted, "return/"), {"reason": "请核对"}, format="json"
    ),
    "values-reopen": lambda c, w: c.post(
        value_url(w.approved, "reopen/"), {"reason": "口径调整"}, format="json"
    ),
    "values-history": lambda c, w: c.get(value_url(w.draft, "history/")),
    "evidence-list": lambda c, w: c.get(value_url(w.draft, "evidence/")),
    "evidence-upload": lambda c, w: c.post(
        value_url(w.draft, "evidence/"), {"file": pdf_upload(), "title": "t"}, format="multipart"
    ),
    "evidence-download": lambda c, w: c.get(
        value_url(w.draft, f"evidence/{w.evidence.pk}/download/")
    ),
    "assessments-list": lambda c, w: c.get(f"{API}assessments/"),
    "assessments-retrieve": lambda c, w: c.get(f"{API}assessments/{w.snapshot.pk}/"),
    "scorecard": lambda c, w: c.get(f"{API}regions/320404/scorecard/", {"year": 2021}),
    "actions-list": lambda c, w: c.get(f"{API}actions/"),
    "actions-retrieve": lambda c, w: c.get(f"{API}actions/{w.action.pk}/"),
    "actions-create": lambda c, w: c.post(
        f"{API}actions/",
        {
            "region": "320404",
            "edition": "jiangsu-county-2019",
            "indicator": "26",
            "year": 2021,
            "description": "补报",
            "lead_department": "agriculture",
            "due_date": "2099-03-31",
        },
        format="json",
    ),
    "actions-partial_update": lambda c, w: c.patch(
        f"{API}actions/{w.action.pk}/", {"status": "in_progress"}, format="json"
    ),
    "actions-notes": lambda c, w: c.post(
        f"{API}actions/{w.action.pk}/notes/", {"text": "进展"}, format="json"
    ),
    "actions-verify": lambda c, w: c.post(
        f"{API}actions/{w.action.pk}/verify/", {"reason": "已说明"}, format="json"
    ),
    "webhooks-list": lambda c, w: c.get(f"{API}webhooks/"),
    "webhooks-retrieve": lambda c, w: c.get(f"{API}webhooks/{w.hook.pk}/"),
    "webhooks-create": lambda c, w: c.post(
        f"{API}webhooks/",
        {
            "name": "platform",
            "url": "https://platform.example/other",
            "region": "320404",
            "events": ["verdict.changed"],
        },
        format="json",
    ),
    "webhooks-destroy": lambda c, w: c.delete(f"{API}webhooks/{w.hook.pk}/"),
    "webhooks-deliveries": lambda c, w: c.get(f"{API}webhooks/{w.hook.pk}/deliveries/"),
    "reports": lambda c, w: c.get(
        f"{API}regions/320404/reports/indicator-table/", {"year": 2021, "format": "xlsx"}
    ),
    "packages-list": lambda c, w: c.get(f"{API}evidence-packages/"),
    "packages-retrieve": lambda c, w: c.get(f"{API}evidence-packages/{w.package.pk}/"),
    "packages-create": lambda c, w: c.post(
        f"{API}evidence-packages/", {"region": "320404", "year": 2020}, format="json"
    ),
    "packages-download": lambda c, w: c.get(f"{API}evidence-packages/{w.package.pk}/download/"),
    "schema": lambda c, w: c.get("/api/schema/"),
    "docs": lambda c, w: c.get("/api/docs/"),
}


def row(clerk_a, clerk_b, reviewer, leader, ro_key, w_key, outsider, anon) -> dict[str, int]:
    return dict(
        zip(
            ACTORS, (clerk_a, clerk_b, reviewer, leader, ro_key, w_key, outsider, anon), strict=True
        )
    )


# Status codes: rows are endpoints, columns are ACTORS.
#                                  clerk_a clerk_b review leader ro_key w_key outsid anon
EXPECTED: dict[str, dict[str, int]] = {
    "frameworks-list": row(200, 200, 200, 200, 200, 200, 200, 401),
    "frameworks-retrieve": row(200, 200, 200, 200, 200, 200, 200, 401),
    "indicators-list": row(200, 200, 200, 200, 200, 200, 200, 401),
    "indicators-retrieve": row(200, 200, 200, 200, 200, 200, 200, 401),
    "regions-list": row(200, 200, 200, 200, 200, 200, 200, 401),
    "regions-retrieve": row(200, 200, 200, 200, 200, 200, 404, 401),
    "departments-list": row(200, 200, 200, 200, 200, 200, 200, 401),
    "departments-retrieve": row(200, 404, 200, 200, 200, 200, 404, 401),
    "responsibilities-list": row(200, 200, 200, 200, 200, 200, 200, 401),
    "responsibilities-retrieve": row(200, 200, 200, 200, 200, 200, 404, 401),
    "values-list": row(200, 200, 200, 200, 200, 200, 200, 401),
    "values-retrieve": row(200, 404, 200, 200, 200, 200, 404, 401),
    "values-retrieve-ecology": row(404, 200, 200, 200, 200, 404, 404, 401),
    "values-create": row(201, 403, 403, 403, 403, 201, 403, 401),
    "values-batch": row(200, 403, 403, 403, 403, 200, 403, 401),
    "values-partial_update": row(200, 404, 403, 403, 403, 200, 404, 401),
    "values-submit": row(200, 404, 403, 403, 403, 200, 404, 401),
    "values-approve": row(403, 404, 200, 403, 403, 403, 404, 401),
    "values-return": row(403, 404, 200, 403, 403, 403, 404, 401),
    "values-reopen": row(403, 404, 200, 403, 403, 403, 404, 401),
    "values-history": row(200, 404, 200, 200, 200, 200, 404, 401),
    "evidence-list": row(200, 404, 200, 200, 200, 200, 404, 401),
    "evidence-upload": row(201, 404, 403, 403, 403, 201, 404, 401),
    "evidence-download": row(200, 404, 200, 200, 200, 200, 404, 401),
    "assessments-list": row(403, 403, 200, 200, 200, 403, 200, 401),
    "assessments-retrieve": row(403, 403, 200, 200, 200, 403, 404, 401),
    "scorecard": row(403, 403, 200, 200, 200, 403, 404, 401),
    "actions-list": row(200, 200, 200, 200, 200, 200, 200, 401),
    "actions-retrieve": row(200, 404, 200, 200, 200, 200, 404, 401),
    "actions-create": row(403, 403, 201, 403, 403, 403, 404, 401),
    "actions-partial_update": row(200, 404, 403, 403, 403, 200, 404, 401),
    "actions-notes": row(201, 404, 201, 403, 403, 201, 404, 401),
    "actions-verify": row(403, 404, 200, 403, 403, 403, 404, 401),
    "webhooks-list": row(200, 200, 200, 200, 200, 200, 200, 401),
    "webhooks-retrieve": row(404, 404, 200, 404, 404, 404, 404, 401),
    "webhooks-create": row(403, 403, 201, 201, 403, 403, 404, 401),
    "webhooks-destroy": row(404, 404, 204, 404, 403, 404, 404, 401),
    "webhooks-deliveries": row(404, 404, 200, 404, 404, 404, 404, 401),
    "reports": row(403, 403, 200, 200, 200, 403, 404, 401),
    "packages-list": row(403, 403, 200, 200, 200, 403, 200, 401),
    "packages-retrieve": row(403, 403, 200, 200, 200, 403, 404, 401),
    "packages-create": row(403, 403, 202, 202, 403, 403, 404, 401),
    "packages-download": row(403, 403, 200, 200, 200, 403, 404, 401),
    "schema": row(200, 200, 200, 200, 200, 200, 200, 200),
    "docs": row(200, 200, 200, 200, 200, 200, 200, 200),
}


# For lists answered 200: what identifies each row, and which rows each actor sees.
ZHONGLOU_VALUES = ("draft", "submitted", "approved", "pm25")
AGRICULTURE_VALUES = ("draft", "submitted", "approved")
VISIBLE: dict[str, tuple[Callable[[dict], object], dict[str, object]]] = {
    "values-list": (
        lambda r: r["id"],
        {
            "clerk_a": AGRICULTURE_VALUES,
            "clerk_b": ("pm25",),
            "reviewer": ZHONGLOU_VALUES,
            "leader": ZHONGLOU_VALUES,
            "ro_key": ZHONGLOU_VALUES,
            "w_key": AGRICULTURE_VALUES,
            "outsider": ("tianning",),
        },
    ),
    "regions-list": (
        lambda r: r["code"],
        {a: ("320404",) for a in ACTORS} | {"outsider": ("320402",)},
    ),
    "departments-list": (
        lambda r: r["code"],
        {
            "clerk_a": ("agriculture",),
            "clerk_b": ("ecology",),
            "reviewer": 13,
            "leader": 13,
            "ro_key": 13,
            "w_key": ("agriculture",),
            "outsider": (),  # Tianning has no bureaus on file
        },
    ),
    "responsibilities-list": (
        lambda r: r["region"],
        {a: ("320404",) for a in ACTORS} | {"outsider": ()},
    ),
    "assessments-list": (
        lambda r: r["region"],
        {
            "reviewer": ("320404",),
            "leader": ("320404",),
            "ro_key": ("320404",),
            "outsider": ("320402",),
        },
    ),
    "packages-list": (
        lambda r: r["region"],
        {"reviewer": ("320404",), "leader": ("320404",), "ro_key": ("320404",), "outsider": ()},
    ),
    "frameworks-list": (
        lambda r: r["code"],
        {a: ("jiangsu-county-2019", "national-2019") for a in ACTORS},
    ),
}


def expected_rows(spec, world: World) -> set:
    names = {
        "draft": world.draft.pk,
        "submitted": world.submitted.pk,
        "approved": world.approved.pk,
        "pm25": world.pm25.pk,
        "tianning": world.tianning.pk,
    }
    return {names.get(item, item) for item in spec}


CELLS = [(endpoint, actor) for endpoint in EXPECTED for actor in ACTORS]


# The schema operation each cell exercises (schema and docs aside).
OPERATIONS = {
    "frameworks-list": "GET /api/v1/frameworks/",
    "frameworks-retrieve": "GET /api/v1/frameworks/{code}/",
    "indicators-list": "GET /api/v1/indicators/",
    "indicators-retrieve": "GET /api/v1/indicators/{id}/",
    "regions-list": "GET /api/v1/regions/",
    "regions-retrieve": "GET /api/v1/regions/{code}/",
    "departments-list": "GET /api/v1/departments/",
    "departments-retrieve": "GET /api/v1/departments/{id}/",
    "responsibilities-list": "GET /api/v1/responsibilities/",
    "responsibilities-retrieve": "GET /api/v1/responsibilities/{id}/",
    "values-list": "GET /api/v1/values/",
    "values-retrieve": "GET /api/v1/values/{id}/",
    "values-retrieve-ecology": "GET /api/v1/values/{id}/",
    "values-create": "POST /api/v1/values/",
    "values-partial_update": "PATCH /api/v1/values/{id}/",
    "values-submit": "POST /api/v1/values/{id}/submit/",
    "values-batch": "POST /api/v1/values/batch/",
    "values-approve": "POST /api/v1/values/{id}/approve/",
    "values-return": "POST /api/v1/values/{id}/return/",
    "values-reopen": "POST /api/v1/values/{id}/reopen/",
    "values-history": "GET /api/v1/values/{id}/history/",
    "evidence-list": "GET /api/v1/values/{id}/evidence/",
    "evidence-upload": "POST /api/v1/values/{id}/evidence/",
    "evidence-download": "GET /api/v1/values/{id}/evidence/{evidence_id}/download/",
    "assessments-list": "GET /api/v1/assessments/",
    "assessments-retrieve": "GET /api/v1/assessments/{id}/",
    "scorecard": "GET /api/v1/regions/{code}/scorecard/",
    "actions-list": "GET /api/v1/actions/",
    "actions-retrieve": "GET /api/v1/actions/{id}/",
    "actions-create": "POST /api/v1/actions/",
    "actions-partial_update": "PATCH /api/v1/actions/{id}/",
    "actions-notes": "POST /api/v1/actions/{id}/notes/",
    "actions-verify": "POST /api/v1/actions/{id}/verify/",
    "webhooks-list": "GET /api/v1/webhooks/",
    "webhooks-retrieve": "GET /api/v1/webhooks/{id}/",
    "webhooks-create": "POST /api/v1/webhooks/",
    "webhooks-destroy": "DELETE /api/v1/webhooks/{id}/",
    "webhooks-deliveries": "GET /api/v1/webhooks/{id}/deliveries/",
    "reports": "GET /api/v1/regions/{code}/reports/{kind}/",
    "packages-list": "GET /api/v1/evidence-packages/",
    "packages-retrieve": "GET /api/v1/evidence-packages/{id}/",
    "packages-create": "POST /api/v1/evidence-packages/",
    "packages-download": "GET /api/v1/evidence-packages/{id}/download/",
}


def test_the_matrix_covers_every_operation_of_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = {
        f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item
    }
    assert set(OPERATIONS.values()) == documented
    assert set(EXPECTED) == set(REQUESTS) == set(OPERATIONS) | {"schema", "docs"}


@pytest.mark.parametrize(("endpoint", "actor"), CELLS, ids=[f"{e}-{a}" for e, a in CELLS])
def test_permission_matrix(request, client_for, world, endpoint, actor):
    if endpoint.startswith("assessments"):
        request.getfixturevalue("snapshots")
    if endpoint.startswith("actions"):
        request.getfixturevalue("action")
    if endpoint.startswith("webhooks"):
        request.getfixturevalue("hook")
    if endpoint.startswith("packages"):
        request.getfixturevalue("package")
    response = REQUESTS[endpoint](client_for(actor), world)
    status = EXPECTED[endpoint][actor]
    if status >= 400:
        assert_error(response, status)
        return
    assert response.status_code == status, (response.status_code, response.content[:300])
    if endpoint in VISIBLE and actor in VISIBLE[endpoint][1]:
        identify, by_actor = VISIBLE[endpoint]
        rows = response.json()["results"]
        spec = by_actor[actor]
        if isinstance(spec, int):
            assert len(rows) == spec
        else:
            assert {identify(r) for r in rows} == expected_rows(spec, world)


def test_a_clerk_sees_no_other_departments_value_in_any_format(client_for, world):
    """The CSV and XLSX of a clerk hold only their department's values."""
    client = client_for("clerk_a")
    text = client.get(f"{API}values/", {"format": "csv"}).content.decode()
    assert STRAW in text and PM25 not in text
    assert client.get(f"{API}values/", {"data_element": PM25}).json()["count"] == 0
    assert client.get(f"{API}values/", {"department": "ecology"}).json()["count"] == 0
