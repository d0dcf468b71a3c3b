"""Hot reads in plain SQL (zhonglou.db): rows read as the ORM reads them, and statements
prepared on PostgreSQL (planned once per connection), logged as any query."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiKey, User
from zhonglou.db import fetch_one, read_row

pytestmark = pytest.mark.django_db


def test_read_row_converts_as_the_orm_and_defers_the_rest(reviewer):
    from tests.test_api_keys import make_key

    _key, api_key = make_key(reviewer)
    ApiKey.objects.filter(pk=api_key.pk).update(
        last_used_at=datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)
    )
    row = fetch_one(
        'SELECT "is_active", "username", "id" FROM "accounts_user" WHERE "id" = %s', [reviewer.pk]
    )
    user = read_row(User, ["is_active", "username", "id"], row)
    assert user.is_active is True and user.username == "reviewer" and user.pk == reviewer.pk
    assert user.get_deferred_fields() >= {"email", "last_login"}
    row = fetch_one(
        'SELECT "last_used_at", "id" FROM "accounts_apikey" WHERE "id" = %s', [api_key.pk]
    )
    key = read_row(ApiKey, ["last_used_at", "id"], row)
    assert key.last_used_at == datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)


def test_read_row_refuses_fields_the_model_does_not_have():
    with pytest.raises(ValueError, match="no fields"):
        read_row(User, ["id", "nickname"], [1, "x"])
    with pytest.raises(ValueError, match="twice"):
        read_row(User, ["id", "id"], [1, 1])


def test_fetch_one_is_logged_and_answers_none_for_no_row():
    with CaptureQueriesContext(connection) as queries:
        assert (
            fetch_one('SELECT "id" FROM "accounts_user" WHERE "username" = %s', ["nobody"]) is None
        )
    assert len(queries) == 1 and "accounts_user" in queries[0]["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_statement_is_prepared_once_per_connection(reviewer):
    sql = 'SELECT "username" FROM "accounts_user" WHERE "id" = %s AND 17 = 17'
    for _ in range(3):
        assert fetch_one(sql, [reviewer.pk]) == ("reviewer",)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%17 = 17%"],
        )
        assert cursor.fetchone() == (1,)
