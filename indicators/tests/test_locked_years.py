"""A locked year stays as it was locked: every write that can move its verdict is refused
while it is locked — veto events dated in it, assigned targets of it, not-applicable
declarations and region attributes (which count in every year) — through the services, the
admin and the region loader; the same writes go through once the year is reopened."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.utils import translation

from indicators import services
from indicators.choices import DeclarationStatus, Terrain, VetoKind
from indicators.loaders.common import LoadError
from indicators.loaders.regions import load_file
from indicators.models import Indicator, NotApplicableDeclaration, Region, VetoEvent
from indicators.tests.values_helpers import STRAW, element

pytestmark = pytest.mark.django_db

LOCKED, OPEN = 2021, 2023


@pytest.fixture
def locked(zhonglou, reviewer):
    return services.year_lock(actor=reviewer, region=zhonglou, year=LOCKED)


def veto(reviewer, region, year, event=None):
    return services.veto_event_save(
        actor=reviewer,
        region=region,
        date=datetime.date(year, 6, 1),
        kind=VetoKind.SUMMONS,
        description="约谈",
        event=event,
    )


def straw_indicator():
    return Indicator.objects.get(data_element__key=STRAW, edition__code="jiangsu-county-2019")


def test_a_veto_event_dated_in_a_locked_year_is_refused(locked, reviewer, zhonglou):
    with pytest.raises(ValidationError) as refused:
        veto(reviewer, zhonglou, LOCKED)

    assert refused.value.code == "locked"
    assert not VetoEvent.objects.filter(region=zhonglou).exists()


def test_a_veto_event_cannot_move_into_or_out_of_a_locked_year(reviewer, zhonglou):
    open_event = veto(reviewer, zhonglou, OPEN)
    locked_event = veto(reviewer, zhonglou, LOCKED)
    services.year_lock(actor=reviewer, region=zhonglou, year=LOCKED)

    with pytest.raises(ValidationError):
        veto(reviewer, zhonglou, LOCKED, event=VetoEvent.objects.get(pk=open_event.pk))
    with pytest.raises(ValidationError):
        veto(reviewer, zhonglou, OPEN, event=VetoEvent.objects.get(pk=locked_event.pk))
    with pytest.raises(ValidationError):
        services.veto_event_delete(actor=reviewer, event=locked_event)

    assert sorted(VetoEvent.objects.values_list("date__year", flat=True)) == [LOCKED, OPEN]


@pytest.mark.parametrize("year", [LOCKED - 2, LOCKED + 1])
def test_a_veto_event_that_counts_in_a_locked_years_verdict_is_refused(
    locked, reviewer, zhonglou, year
):
    """An event counts in the assessment years whose window holds it (2019 is in 2021's) and
    in the one whose application year it is (2022 for 2021)."""
    with pytest.raises(ValidationError) as refused:
        veto(reviewer, zhonglou, year)

    assert refused.value.code == "locked"


def test_veto_events_of_open_years_are_still_written(locked, reviewer, zhonglou):
    event = veto(reviewer, zhonglou, OPEN)

    services.veto_event_delete(actor=reviewer, event=event)


def test_an_assigned_target_of_a_locked_year_is_refused(locked, reviewer, zhonglou):
    with pytest.raises(ValidationError):
        services.assigned_target_set(
            actor=reviewer,
            region=zhonglou,
            data_element=element(STRAW),
            year=LOCKED,
            target=Decimal(92),
        )


def test_approving_or_withdrawing_a_declaration_waits_for_the_locked_years(reviewer, zhonglou):
    proposed = services.declaration_propose(
        actor=reviewer, region=zhonglou, indicator=straw_indicator(), reason="无农业用地"
    )
    services.year_lock(actor=reviewer, region=zhonglou, year=LOCKED)

    with pytest.raises(ValidationError), translation.override("en"):
        services.declaration_approve(actor=reviewer, declaration=proposed)
    assert NotApplicableDeclaration.objects.get().status == DeclarationStatus.PROPOSED

    services.year_reopen(actor=reviewer, region=zhonglou, year=LOCKED, reason="补充材料")
    approved = services.declaration_approve(actor=reviewer, declaration=proposed)
    services.year_lock(actor=reviewer, region=zhonglou, year=LOCKED)

    with pytest.raises(ValidationError):
        services.declaration_withdraw(actor=reviewer, declaration=approved)
    with pytest.raises(ValidationError):
        services.declaration_propose(
            actor=reviewer, region=zhonglou, indicator=straw_indicator(), reason="改"
        )
    assert NotApplicableDeclaration.objects.get().status == DeclarationStatus.APPROVED


def test_a_declaration_may_still_be_proposed_while_a_year_is_locked(locked, reviewer, zhonglou):
    services.declaration_propose(
        actor=reviewer, region=zhonglou, indicator=straw_indicator(), reason="无农业用地"
    )

    assert NotApplicableDeclaration.objects.get().status == DeclarationStatus.PROPOSED


def test_region_attributes_a_verdict_reads_are_refused_while_a_year_is_locked(
    locked, superuser, zhonglou
):
    terrain = Terrain.MOUNTAIN if zhonglou.terrain != Terrain.MOUNTAIN else Terrain.PLAIN

    with pytest.raises(ValidationError):
        services.region_update(actor=superuser, region=zhonglou, changes={"terrain": terrain})
    with pytest.raises(ValidationError):
        services.region_update(actor=superuser, region=zhonglou, changes={"coastal": True})
    # A name moves no verdict.
    services.region_update(actor=superuser, region=zhonglou, changes={"name_en": "Zhonglou"})

    stored = Region.objects.get(pk=zhonglou.pk)
    assert (stored.terrain, stored.coastal, stored.name_en) == (
        zhonglou.terrain,
        zhonglou.coastal,
        "Zhonglou",
    )


def test_the_region_admin_form_refuses_a_verdict_attribute_of_a_locked_region(
    client, locked, superuser, zhonglou
):
    from django.urls import reverse

    client.force_login(superuser)
    url = reverse("admin:indicators_region_change", args=[zhonglou.pk])
    data = {
        "code": zhonglou.code,
        "name": zhonglou.name,
        "name_en": zhonglou.name_en,
        "level": zhonglou.level,
        "parent": zhonglou.parent_id or "",
        "terrain": zhonglou.terrain,
        "eco_zone": zhonglou.eco_zone,
        "city_size": zhonglou.city_size,
        "coastal": "on",
        "edition": zhonglou.edition_id or "",
    }

    response = client.post(url, data)

    assert response.status_code == 200  # the form again, with the error
    assert not Region.objects.get(pk=zhonglou.pk).coastal


def test_the_region_loader_refuses_to_change_a_locked_regions_attributes(
    locked, zhonglou, tmp_path
):
    spec = {
        "schema_version": 1,
        "regions": [
            {
                "code": zhonglou.code,
                "name": zhonglou.name,
                "level": zhonglou.level,
                "parent": zhonglou.parent.code,
                "terrain": zhonglou.terrain,
                "eco_zone": zhonglou.eco_zone,
                "edition": zhonglou.edition.code,
                "coastal": True,
            }
        ],
    }
    path = tmp_path / "regions.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")

    with pytest.raises(LoadError) as refused, translation.override("en"):
        load_file(path)

    assert [p.field for p in refused.value.problems] == ["code"], refused.value.problems

    assert not Region.objects.get(pk=zhonglou.pk).coastal
