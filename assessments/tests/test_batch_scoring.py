"""Batch scoring on a synthetic province: the inputs built for many regions together are
exactly those each region gets alone (same fingerprints, same results), the nightly batch
stores the same snapshots as region-by-region refreshes, and its queries grow with the
number of batches, not with regions × years × editions × modes."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services, tasks
from assessments.inputs import build_inputs, build_inputs_batch
from assessments.models import AssessmentSnapshot
from assessments.scoring import Mode, assess, fingerprint, result_to_dict
from demo.synthetic import create_synthetic_regions, synthetic_code
from indicators.choices import DeclarationStatus
from indicators.models import (
    FrameworkEdition,
    Indicator,
    NotApplicableDeclaration,
    Region,
    VetoEvent,
)
from tests.api_helpers import load_demo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2022, 3, 1, 9, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2022, 3, 1)
YEARS = [2019, 2020, 2021]


@pytest.fixture
def province() -> list[Region]:
    """Zhonglou's demo figures and eight synthetic districts, two of them made different:
    one with a declaration and a veto event, one without an edition of its own."""
    load_demo()
    admin = UserFactory(username="synth_admin", is_superuser=True, is_staff=True)
    regions = create_synthetic_regions(count=8, actor=admin)
    edition = regions[0].edition
    leaf = Indicator.objects.filter(edition=edition, data_element__isnull=False).first()
    NotApplicableDeclaration.objects.create(
        region=regions[1],
        indicator=leaf,
        reason="没有该类设施",
        status=DeclarationStatus.APPROVED,
    )
    VetoEvent.objects.create(
        region=regions[1], date=datetime.date(2020, 5, 1), kind="summons", description="约谈"
    )
    Region.objects.filter(pk=regions[2].pk).update(edition=None)
    return [Region.objects.get(code="320404"), *Region.objects.filter(synthetic=True)]


def _snapshots() -> dict:
    return {
        (s.region_id, s.edition_id, s.year, s.mode): (s.input_hash, s.verdict, s.result)
        for s in AssessmentSnapshot.objects.filter(is_current=True)
    }


def test_the_synthetic_codes_reach_a_thousand_regions():
    codes = [synthetic_code(n) for n in range(1, 1001)]
    assert len(set(codes)) == 1000
    assert all(len(c) == 6 and c.isdigit() and c.startswith("99") for c in codes)
    assert codes[0] == "999901" and codes[98] == "999999" and codes[-1] == "991000"
    with pytest.raises(ValueError):
        create_synthetic_regions(count=1001, actor=None)


@pytest.mark.parametrize("edition_code", ["jiangsu-county-2019", "national-2019"])
def test_batch_inputs_are_each_regions_own_inputs(province, edition_code):
    edition = FrameworkEdition.objects.get(code=edition_code)
    years = {r.pk: YEARS for r in province}
    batch = build_inputs_batch(province, edition, years, list(Mode), today=TODAY)
    assert len(batch) == len(province) * len(YEARS) * len(Mode)
    for region in province:
        for mode in Mode:
            alone = build_inputs(region, edition, YEARS, mode, today=TODAY)
            for year in YEARS:
                together = batch[(region.pk, year, mode.value)]
                assert together == alone[year]
                assert fingerprint(together) == fingerprint(alone[year])
                assert result_to_dict(assess(together)) == result_to_dict(assess(alone[year]))


def test_the_nightly_batch_stores_what_region_by_region_refreshes_store(province):
    for region in province:
        services.region_refresh(region=region, years=[], now=NOW)
    one_by_one = _snapshots()
    AssessmentSnapshot.objects.all().delete()
    assert services.regions_refresh(regions=province, now=NOW) == len(one_by_one)
    assert _snapshots() == one_by_one
    # Unchanged inputs write nothing: a second run keeps every row.
    rows = AssessmentSnapshot.objects.count()
    services.regions_refresh(regions=province, now=NOW)
    assert AssessmentSnapshot.objects.count() == rows


def _count(action) -> int:
    """Queries other than INSERT (SQLite splits a bulk insert into statements of at most
    999 parameters; PostgreSQL sends one)."""
    with CaptureQueriesContext(connection) as queries:
        action()
    return sum(not q["sql"].lstrip().upper().startswith("INSERT") for q in queries)


def test_batch_queries_do_not_grow_with_regions_years_or_modes(province):
    edition = province[0].edition
    few, many = province[:2], province

    def build(regions, years):
        return lambda: build_inputs_batch(
            regions, edition, {r.pk: years for r in regions}, list(Mode), today=TODAY
        )

    assert _count(build(few, [2021])) == _count(build(many, YEARS))

    def refresh(regions):
        return lambda: services.regions_refresh(regions=regions, now=NOW)

    first_few, first_many = _count(refresh(few)), _count(refresh(many))
    assert first_few == first_many  # first write: bulk insert whatever the number of keys
    assert _count(refresh(few)) == _count(refresh(many))  # unchanged: no write at all
    VetoEvent.objects.bulk_create(
        VetoEvent(region=r, date=datetime.date(2021, 6, 1), kind="summons") for r in many
    )
    # Changed: the old results read and the rows retired in one query each.
    changed_few = _count(refresh(few))
    assert changed_few > first_few
    assert _count(refresh(many)) == changed_few


def test_the_nightly_task_runs_one_batch_per_call(province, settings):
    settings.ASSESSMENT_BATCH_SIZE = 100
    ids = [r.pk for r in province]
    queries = _count(lambda: tasks.recompute_batch(ids))
    assert AssessmentSnapshot.objects.filter(is_current=True).exists()
    assert queries < 40  # a handful per edition, whatever the regions
