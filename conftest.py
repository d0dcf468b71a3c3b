"""Fixtures every test can use: the shipped catalogue in the test database and a fixed cast
of users, so that permission tests read as one line each."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load both editions and Changzhou's regions once; each test's transaction rolls back."""
    from indicators.reference import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def catalogue(db):
    """The shipped reference data (reloaded when a transactional test flushed it)."""
    from indicators.models import FrameworkEdition
    from indicators.reference import load_reference_data

    if not FrameworkEdition.objects.exists():
        # A transactional test flushed the database, migration data (role groups) included.
        from django.contrib.auth.models import Group

        from accounts.roles import GROUP_NAMES

        for name in GROUP_NAMES.values():
            Group.objects.get_or_create(name=name)
        load_reference_data()
    return FrameworkEdition.objects.get(code="jiangsu-county-2019")


@pytest.fixture
def zhonglou(catalogue):
    from indicators.models import Region

    return Region.objects.get(code="320404")


@pytest.fixture
def tianning(catalogue):
    from indicators.models import Region

    return Region.objects.get(code="320402")


@pytest.fixture
def agriculture(zhonglou):
    return zhonglou.departments.get(code="agriculture")


@pytest.fixture
def ecology(zhonglou):
    return zhonglou.departments.get(code="ecology")


@pytest.fixture
def clerk_a(agriculture):
    """Clerk of Zhonglou's agriculture bureau (straw, film, manure, toilets…)."""
    return factories.UserFactory(username="clerk_a", role="clerk", department=agriculture)


@pytest.fixture
def clerk_b(ecology):
    """Clerk of Zhonglou's ecology and environment bureau."""
    return factories.UserFactory(username="clerk_b", role="clerk", department=ecology)


@pytest.fixture
def reviewer(zhonglou):
    return factories.UserFactory(username="reviewer", role="reviewer", region=zhonglou)


@pytest.fixture
def leader(zhonglou):
    return factories.UserFactory(username="leader", role="leader", region=zhonglou)


@pytest.fixture
def outsider(tianning):
    """A reviewer of another district (天宁区): Zhonglou's data must not exist for them."""
    return factories.UserFactory(username="outsider", role="reviewer", region=tianning)


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def zhonglou_demo(zhonglou):
    """The demo: Zhonglou's figures from its creation work report, entered through the
    workflow by the demo administrator (the transaction is not committed: no recompute)."""
    from accounts.models import User
    from demo.seed import ensure_demo_users, load_demo_values

    ensure_demo_users()
    load_demo_values(User.objects.get(username="admin"))
    return zhonglou


@pytest.fixture
def as_user(client, request, db):
    """Log the test client in and return it: ``as_user("reviewer")`` or ``as_user(user)``,
    ``as_user("anonymous")`` for nobody. Pages are in English unless ``language`` says
    otherwise (they are Chinese unless switched)."""

    def login(user, language: str = "en"):
        client.cookies["django_language"] = language
        if user == "anonymous":
            client.logout()
            return client
        if isinstance(user, str):
            user = request.getfixturevalue(user)
        client.force_login(user)
        return client

    return login
