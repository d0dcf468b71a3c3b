"""Schemathesis against the live schema of /api/schema/, through the Django WSGI app: no
server errors, and every response conforms to the schema (status code, content, body).

Each operation is fuzzed three times: with generated path parameters (mostly unknown ids:
404s); with its path pinned to real rows (a value with evidence, Zhonglou, an edition), so
that the success bodies are checked too; and with input that breaks the schema (negative
mode). Reads go with a reviewer's read-only key, writes with the agriculture clerk's write
key, reviews with the reviewer's write key. Bounded and derandomized: the same cases run every
time, in about half a minute.

(Schemathesis' own ``from_fixture`` does not run under this pytest version, so the Hypothesis
test of each operation is built here from ``operation.as_strategy()``.)
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from assessments.services import snapshot_refresh
from dossier.models import EvidencePackage
from indicators import services
from indicators.choices import ValueStatus
from indicators.models import FrameworkEdition, IndicatorValue
from notifications.models import WebhookEndpoint
from tests.api_helpers import (
    FILM,
    STRAW,
    clear_cache,  # noqa: F401 (fixture)
    entered,
    load_demo,
    make_key,
    pdf_upload,
)

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

OPERATIONS = [
    "GET /api/v1/actions/",
    "POST /api/v1/actions/",
    "GET /api/v1/actions/{id}/",
    "PATCH /api/v1/actions/{id}/",
    "POST /api/v1/actions/{id}/notes/",
    "POST /api/v1/actions/{id}/verify/",
    "GET /api/v1/assessments/",
    "GET /api/v1/assessments/{id}/",
    "GET /api/v1/departments/",
    "GET /api/v1/evidence-packages/",
    "POST /api/v1/evidence-packages/",
    "GET /api/v1/evidence-packages/{id}/",
    "GET /api/v1/evidence-packages/{id}/download/",
    "GET /api/v1/departments/{id}/",
    "GET /api/v1/frameworks/",
    "GET /api/v1/frameworks/{code}/",
    "GET /api/v1/indicators/",
    "GET /api/v1/indicators/{id}/",
    "GET /api/v1/regions/",
    "GET /api/v1/regions/{code}/",
    "GET /api/v1/regions/{code}/reports/{kind}/",
    "GET /api/v1/regions/{code}/scorecard/",
    "GET /api/v1/responsibilities/",
    "GET /api/v1/responsibilities/{id}/",
    "GET /api/v1/values/",
    "POST /api/v1/values/",
    "POST /api/v1/values/batch/",
    "GET /api/v1/values/{id}/",
    "PATCH /api/v1/values/{id}/",
    "POST /api/v1/values/{id}/approve/",
    "GET /api/v1/values/{id}/evidence/",
    "POST /api/v1/values/{id}/evidence/",
    "GET /api/v1/values/{id}/evidence/{evidence_id}/download/",
    "GET /api/v1/values/{id}/history/",
    "POST /api/v1/values/{id}/reopen/",
    "POST /api/v1/values/{id}/return/",
    "POST /api/v1/values/{id}/submit/",
    "GET /api/v1/webhooks/",
    "POST /api/v1/webhooks/",
    "GET /api/v1/webhooks/{id}/",
    "DELETE /api/v1/webhooks/{id}/",
    "GET /api/v1/webhooks/{id}/deliveries/",
]


@pytest.fixture(scope="module")
def wsgi_app():
    """The project's WSGI app, minus the per-request connection closing that would end the
    test's transaction (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(clear_cache, zhonglou, reviewer, clerk_a):  # noqa: F811
    """Zhonglou's demo figures (approved), a draft of the clerk's with an evidence file, a
    submitted value, a stored snapshot, and the keys."""
    load_demo()
    draft = entered(clerk_a, zhonglou, STRAW, 2022, "96")
    evidence = services.evidence_add(value=draft, actor=clerk_a, upload=pdf_upload(), title="t")
    submitted = services.value_submit(
        value=entered(clerk_a, zhonglou, FILM, 2022, "90"), actor=clerk_a
    )
    approved = IndicatorValue.objects.filter(region=zhonglou, status=ValueStatus.APPROVED).first()
    edition = FrameworkEdition.objects.get(code="jiangsu-county-2019")
    snapshot = snapshot_refresh(
        region=zhonglou, edition=edition, year=2021, mode="official", now=timezone.now()
    )
    responsibility = clerk_a.department.responsibilities.first()
    hook = WebhookEndpoint.objects.create(
        name="city platform",
        kind="consumer",
        url="https://example.org/hook",
        secret="x" * 20,
        region=zhonglou,
        events=["value.approved"],
        owner=reviewer,
    )
    action = _action(zhonglou, edition, reviewer, clerk_a)
    package = EvidencePackage.objects.create(
        requester=reviewer, region=zhonglou, edition=edition, year=2021
    )
    value_paths = {"id": draft.pk, "evidence_id": str(evidence.pk)}
    return {
        "read": make_key(reviewer)[0],
        "write": make_key(clerk_a, can_write=True)[0],
        "review": make_key(reviewer, can_write=True)[0],
        "paths": {
            "/api/v1/assessments/{id}/": {"id": snapshot.pk},
            "/api/v1/departments/{id}/": {"id": clerk_a.department_id},
            "/api/v1/frameworks/{code}/": {"code": edition.code},
            "/api/v1/indicators/{id}/": {"id": edition.indicators.first().pk},
            "/api/v1/regions/{code}/": {"code": zhonglou.code},
            "/api/v1/regions/{code}/reports/{kind}/": {
                "code": zhonglou.code,
                "kind": "indicator-table",
            },
            "/api/v1/regions/{code}/scorecard/": {"code": zhonglou.code},
            "/api/v1/responsibilities/{id}/": {"id": responsibility.pk},
            "/api/v1/values/{id}/approve/": {"id": submitted.pk},
            "/api/v1/values/{id}/return/": {"id": submitted.pk},
            "/api/v1/values/{id}/reopen/": {"id": approved.pk},
            "/api/v1/webhooks/{id}/": {"id": hook.pk},
            "/api/v1/webhooks/{id}/deliveries/": {"id": hook.pk},
            "/api/v1/actions/{id}/": {"id": action.pk},
            "/api/v1/actions/{id}/notes/": {"id": action.pk},
            "/api/v1/actions/{id}/verify/": {"id": action.pk},
            "/api/v1/evidence-packages/{id}/": {"id": package.pk},
            "/api/v1/evidence-packages/{id}/download/": {"id": package.pk},
        },
        "value_paths": value_paths,
    }


def _action(region, edition, reviewer, clerk_a):
    """A corrective action on a gap of the demo's 2021 scorecard, led by the clerk's bureau."""
    import datetime

    from actions import services as action_services
    from assessments.selectors import scorecard

    card = scorecard(region=region, edition=edition, year=2021, mode="official")
    code = next(
        i.code
        for i in card.result.indicators
        if i.parent_code is None and i.status in ("not_met", "missing")
    )
    return action_services.action_create(
        actor=reviewer,
        region=region,
        edition=edition,
        indicator=edition.indicators.get(code=code),
        year=2021,
        description="补报台账",
        lead_department=clerk_a.department,
        due_date=datetime.date(2099, 3, 31),
    )


@pytest.fixture(scope="module")
def api_schema(wsgi_app):
    """The live schema, as /api/schema/ serves it to anyone (loaded once: it reads no rows)."""
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


def operation_labels(schema) -> list[str]:
    return sorted(result.ok().label for result in schema.get_all_operations())


def pinned_path(operation, world) -> dict:
    """Path parameters naming real rows the key's owner may see."""
    if operation.path in world["paths"]:
        return world["paths"][operation.path]
    names = {p.name for p in operation.path_parameters}
    return {name: value for name, value in world["value_paths"].items() if name in names}


def key_for(operation, world) -> str:
    """Reads with the reviewer's read-only key; reviews (and asking for evidence packages) with
    the reviewer's write key; other writes with the clerk's write key."""
    if operation.method.upper() == "GET":
        return world["read"]
    if operation.path.endswith(("/approve/", "/return/", "/reopen/", "/verify/")) or (
        operation.path in ("/api/v1/actions/", "/api/v1/evidence-packages/")
    ):
        return world["review"]
    return world["write"]


def fuzz(operation, world, path_parameters=None, mode=GenerationMode.POSITIVE) -> None:
    key = key_for(operation, world)

    @FUZZ
    @given(case=operation.as_strategy(mode, path_parameters=path_parameters))
    def run(case):
        case.call_and_validate(headers={"X-API-Key": key}, checks=CHECKS)

    run()


def test_every_operation_of_the_schema_is_fuzzed(api_schema):
    """The list below is complete: a new endpoint gets fuzzed (and a test id) too."""
    assert operation_labels(api_schema) == sorted(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms_to_the_schema(api_schema, world, label):
    operation = api_schema.find_operation_by_label(label)
    fuzz(operation, world)  # generated path parameters: mostly rows that do not exist
    if operation.path_parameters:
        fuzz(operation, world, pinned_path(operation, world))  # rows the key's owner sees
    # Input that breaks the schema (wrong types, NUL and control characters…): a documented
    # 4xx with the error body, never a server error.
    fuzz(operation, world, mode=GenerationMode.NEGATIVE)
