"""Bulk admin actions on year locks and not-applicable declarations are all or nothing, like
those on values: when one selected object cannot take the action, none takes it and every
refusal is reported."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from indicators import services
from indicators.choices import DeclarationStatus
from indicators.models import Indicator, NotApplicableDeclaration, YearLock
from indicators.tests.values_helpers import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client(client, reviewer):
    client.cookies["django_language"] = "en"
    client.force_login(reviewer)
    return client


def run_action(client, model: str, action: str, objects, **data):
    with translation.override("en"):
        return client.post(
            reverse(f"admin:indicators_{model}_changelist"),
            {"action": action, "_selected_action": [o.pk for o in objects], **data},
            follow=True,
        )


def test_locking_a_locked_and_an_open_year_locks_neither(reviewer_client, reviewer, zhonglou):
    locked = services.year_lock(actor=reviewer, region=zhonglou, year=2023)
    services.year_lock(actor=reviewer, region=zhonglou, year=2024)
    opened = services.year_reopen(actor=reviewer, region=zhonglou, year=2024, reason="补录")

    response = run_action(reviewer_client, "yearlock", "lock_selected", [locked, opened])

    assert not YearLock.objects.get(pk=opened.pk).locked
    assert any("Nothing was changed" in m for m in messages_of(response))
    assert any("2023" in m and "already locked" in m for m in messages_of(response))


def test_reopening_an_open_and_a_locked_year_reopens_neither(reviewer_client, reviewer, zhonglou):
    locked = services.year_lock(actor=reviewer, region=zhonglou, year=2023)
    services.year_lock(actor=reviewer, region=zhonglou, year=2024)
    opened = services.year_reopen(actor=reviewer, region=zhonglou, year=2024, reason="补录")

    run_action(reviewer_client, "yearlock", "reopen_selected", [locked, opened], reason="口径调整")

    assert YearLock.objects.get(pk=locked.pk).locked


def test_approving_an_approved_and_two_proposed_declarations_approves_none(
    reviewer_client, reviewer, zhonglou
):
    indicators = list(
        Indicator.objects.filter(edition__code="jiangsu-county-2019", data_element__isnull=False)[
            :3
        ]
    )
    declarations = [
        services.declaration_propose(actor=reviewer, region=zhonglou, indicator=i, reason="无")
        for i in indicators
    ]
    services.declaration_approve(actor=reviewer, declaration=declarations[0])

    response = run_action(
        reviewer_client, "notapplicabledeclaration", "approve_selected", declarations
    )

    statuses = [NotApplicableDeclaration.objects.get(pk=d.pk).status for d in declarations]
    assert statuses == [DeclarationStatus.APPROVED, DeclarationStatus.PROPOSED, "proposed"]
    assert any("Nothing was changed" in m for m in messages_of(response))


def test_a_bulk_action_that_every_object_takes_changes_them_all(
    reviewer_client, reviewer, zhonglou
):
    locks = []
    for year in (2023, 2024):
        services.year_lock(actor=reviewer, region=zhonglou, year=year)
        locks.append(services.year_reopen(actor=reviewer, region=zhonglou, year=year, reason="x"))

    response = run_action(reviewer_client, "yearlock", "lock_selected", locks)

    assert all(YearLock.objects.get(pk=lock.pk).locked for lock in locks)
    assert any("2 years locked" in m for m in messages_of(response))
