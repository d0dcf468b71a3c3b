"""The scope: what each role reads and writes, resolved once per user and request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from accounts.scope import scope_of
from indicators.models import Region
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def changzhou(catalogue):
    return Region.objects.get(code="320400")


def districts(city) -> set[int]:
    return set(Region.objects.filter(parent=city).values_list("pk", flat=True))


def test_a_clerk_reads_their_region_and_enters_only_there(clerk_a, zhonglou, tianning):
    scope = scope_of(clerk_a)

    assert scope.role == Role.CLERK and scope.is_clerk and scope.active
    assert scope.region_ids == {zhonglou.pk}
    assert scope.reads_region(zhonglou.pk) and not scope.reads_region(tianning.pk)
    assert not scope.reads_scores and scope.enters_values and not scope.reviews
    assert scope.enters_in_region(zhonglou.pk) and not scope.enters_in_region(tianning.pk)
    assert not scope.reviews_region(zhonglou.pk) and not scope.administers


def test_a_reviewer_reviews_their_own_region_only(reviewer, zhonglou, tianning):
    scope = scope_of(reviewer)

    assert scope.reads_scores and scope.reviews and not scope.enters_values
    assert scope.reviews_region(zhonglou.pk) and not scope.reviews_region(tianning.pk)
    assert not scope.enters_in_region(zhonglou.pk)
    assert not scope.has_regions_below


def test_a_leader_reads_scores_and_writes_nothing(leader, zhonglou):
    scope = scope_of(leader)

    assert scope.is_leader and scope.reads_scores
    assert not (scope.enters_values or scope.reviews or scope.reviews_region(zhonglou.pk))


def test_a_city_reads_its_districts_and_reviews_only_itself(changzhou, zhonglou):
    city_reviewer = UserFactory(username="cr", role="reviewer", region=changzhou)
    scope = scope_of(city_reviewer)

    assert scope.region_ids == {changzhou.pk} | districts(changzhou)
    assert scope.reads_region(zhonglou.pk) and scope.has_regions_below
    assert scope.reviews_region(changzhou.pk) and not scope.reviews_region(zhonglou.pk)


def test_an_administrator_reads_and_writes_everything(superuser, zhonglou):
    scope = scope_of(superuser)

    assert scope.is_admin and scope.region_ids is None and scope.reads_region(zhonglou.pk)
    assert scope.reviews_region(zhonglou.pk) and scope.enters_in_region(zhonglou.pk)
    assert scope.administers and scope.reads_scores


@pytest.mark.parametrize("kind", ["anonymous", "no role", "inactive"])
def test_without_a_role_nothing_is_read_or_written(kind, zhonglou):
    if kind == "anonymous":
        user = AnonymousUser()
    elif kind == "no role":
        user = UserFactory(username="nobody", region=zhonglou)
    else:
        user = UserFactory(username="gone", role="reviewer", region=zhonglou, is_active=False)
    scope = scope_of(user)

    assert not scope.active and scope.role is None
    assert scope.region_ids == frozenset() and not scope.reads_region(zhonglou.pk)
    assert not (scope.reads_scores or scope.reviews_region(zhonglou.pk))
    assert not scope.enters_in_region(zhonglou.pk)


def test_the_scope_is_resolved_once_per_user_object(reviewer):
    user = type(reviewer).objects.get(pk=reviewer.pk)  # a fresh object, as in a new request
    with CaptureQueriesContext(connection) as first:
        scope = scope_of(user)
        assert scope.region_ids
    with CaptureQueriesContext(connection) as again:
        assert scope_of(user) is scope
        assert scope_of(user).region_ids == scope.region_ids and scope_of(user).reads_scores

    assert len(first) == 2  # the role groups, the regions read
    assert len(again) == 0


def test_reads_a_region_row_as_region_q_does(catalogue, clerk_a, reviewer, leader, outsider):
    """Scope.reads (the scorecard's short path asks it of the row it read, without a query)
    agrees with region_q for every role and every region: own, under the city, elsewhere."""
    changzhou = Region.objects.get(code="320400")
    cast = [
        clerk_a,
        reviewer,
        leader,
        outsider,
        UserFactory(username="city-leader", role="leader", region=changzhou),
        UserFactory(username="city-clerk", role="clerk", region=changzhou),
        UserFactory(username="group-admin", role="admin"),
        UserFactory(username="root", is_superuser=True),
        UserFactory(username="no-role"),
        UserFactory(username="no-region", role="reviewer", region=None),
        AnonymousUser(),
    ]
    regions = list(Region.objects.all())
    for user in cast:
        scope = scope_of(user)
        read = set(Region.objects.filter(scope.region_q()).values_list("pk", flat=True))
        assert {r.pk for r in regions if scope.reads(r.pk, r.parent_id)} == read, user
