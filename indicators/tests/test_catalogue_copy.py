"""Copying an edition to a new draft (services.edition_copy and the admin action): the copy
has the same structure, shares the data elements, and the original stays as it was."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import (
    Criterion,
    CriterionRule,
    DataElement,
    Domain,
    FrameworkEdition,
    Indicator,
    Task,
)
from indicators.services import edition_copy


def structure(edition: FrameworkEdition) -> dict[str, list]:
    """Everything an edition contains, without row ids, so that two editions can be compared."""
    indicators = Indicator.objects.filter(edition=edition)
    criteria = Criterion.objects.filter(indicator__edition=edition)
    rules = CriterionRule.objects.filter(criterion__indicator__edition=edition)
    return {
        "domains": sorted(
            Domain.objects.filter(edition=edition).values_list("code", "name", "order")
        ),
        "tasks": sorted(
            Task.objects.filter(edition=edition).values_list(
                "code", "name", "domain__code", "order"
            )
        ),
        "indicators": sorted(
            indicators.values_list(
                "code",
                "name",
                "parent__code",
                "task__code",
                "data_element_id",
                "category",
                "scope",
                "confidence",
                "order",
            )
        ),
        "criteria": sorted(
            criteria.values_list(
                "indicator__code",
                "level",
                "terrain",
                "eco_zone",
                "city_size",
                "coastal",
                "target_text",
            )
        ),
        "rules": sorted(
            rules.values_list(
                "criterion__indicator__code",
                "criterion__level",
                "criterion__terrain",
                "criterion__coastal",
                "kind",
                "operator",
                "value",
                "tolerance",
                "baseline_year",
                "order",
            ),
            key=str,
        ),
    }


def row_ids(edition: FrameworkEdition) -> set[tuple[str, int]]:
    return {
        *(("domain", pk) for pk in edition.domains.values_list("pk", flat=True)),
        *(("task", pk) for pk in edition.tasks.values_list("pk", flat=True)),
        *(("indicator", pk) for pk in edition.indicators.values_list("pk", flat=True)),
        *(
            ("criterion", pk)
            for pk in Criterion.objects.filter(indicator__edition=edition).values_list(
                "pk", flat=True
            )
        ),
        *(
            ("rule", pk)
            for pk in CriterionRule.objects.filter(
                criterion__indicator__edition=edition
            ).values_list("pk", flat=True)
        ),
    }


def test_copy_is_a_draft_with_a_free_code(catalogue):
    copy = edition_copy(edition=catalogue)

    assert copy.pk != catalogue.pk
    assert copy.code == "jiangsu-county-2019-draft"
    assert copy.name == f"{catalogue.name}（草稿）"
    assert copy.status == "draft"
    assert (copy.content_hash, copy.source_file, copy.loaded_at) == ("", "", None)
    assert (copy.year, copy.window_years, copy.reference_ratio_required) == (
        catalogue.year,
        catalogue.window_years,
        catalogue.reference_ratio_required,
    )
    assert not copy.is_in_use()


def test_copying_twice_gives_two_codes(catalogue):
    first = edition_copy(edition=catalogue)
    second = edition_copy(edition=catalogue)

    assert (first.code, second.code) == ("jiangsu-county-2019-draft", "jiangsu-county-2019-draft-2")


def test_copy_takes_the_code_it_is_given(catalogue):
    assert edition_copy(edition=catalogue, code="jiangsu-county-2025").code == "jiangsu-county-2025"


@pytest.mark.parametrize("code", ["jiangsu-county-2019", "national-2019"])
def test_copy_has_the_same_structure_and_shares_data_elements(catalogue, code):
    original = FrameworkEdition.objects.get(code=code)
    elements = DataElement.objects.count()

    copy = edition_copy(edition=original)

    assert structure(copy) == structure(original)
    assert DataElement.objects.count() == elements
    assert copy.indicators.count() == original.indicators.count()
    assert copy.indicators.filter(parent__isnull=False).count() > 0
    # Parents point inside the copy, never back into the original.
    assert not copy.indicators.filter(parent__edition=original).exists()
    assert not copy.tasks.filter(domain__edition=original).exists()
    assert not copy.indicators.filter(task__edition=original).exists()


def test_copy_leaves_the_original_unchanged(catalogue):
    before_structure, before_ids = structure(catalogue), row_ids(catalogue)

    copy = edition_copy(edition=catalogue)

    catalogue.refresh_from_db()
    assert (catalogue.code, catalogue.status) == ("jiangsu-county-2019", "in_force")
    assert structure(catalogue) == before_structure
    assert row_ids(catalogue) == before_ids
    assert not row_ids(copy) & before_ids


def test_copy_to_draft_admin_action(client, superuser, catalogue):
    client.force_login(superuser)
    before = structure(catalogue)

    response = client.post(
        reverse("admin:indicators_frameworkedition_changelist"),
        {"action": "copy_to_draft", "_selected_action": [catalogue.pk], "index": 0},
        follow=True,
    )

    assert response.status_code == 200
    copy = FrameworkEdition.objects.get(code="jiangsu-county-2019-draft")
    assert copy.status == "draft"
    assert structure(copy) == before
    assert structure(catalogue) == before
    assert "jiangsu-county-2019-draft" in response.content.decode()


def test_copy_to_draft_action_copies_every_selected_edition(client, superuser, catalogue):
    client.force_login(superuser)
    editions = FrameworkEdition.objects.filter(code__in=["jiangsu-county-2019", "national-2019"])

    client.post(
        reverse("admin:indicators_frameworkedition_changelist"),
        {"action": "copy_to_draft", "_selected_action": [e.pk for e in editions]},
    )

    assert set(FrameworkEdition.objects.filter(status="draft").values_list("code", flat=True)) >= {
        "jiangsu-county-2019-draft",
        "national-2019-draft",
    }


def test_copy_to_draft_action_is_refused_to_a_clerk(client, clerk_a, catalogue):
    client.force_login(clerk_a)
    editions = FrameworkEdition.objects.count()

    client.post(
        reverse("admin:indicators_frameworkedition_changelist"),
        {"action": "copy_to_draft", "_selected_action": [catalogue.pk], "index": 0},
    )

    assert FrameworkEdition.objects.count() == editions
