"""Database connection tuning shared by every app."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from django.db import connections, router
from django.db.backends.signals import connection_created
from django.dispatch import receiver


@receiver(connection_created, dispatch_uid="zhonglou.db.sqlite_parameter_limit")
def sqlite_parameter_limit(sender, connection, **kwargs) -> None:
    """Let Django batch bulk writes by SQLite's real parameter limit (32,766 since SQLite
    3.32) rather than its historical default of 999, which Django 5.2 still assumes (Django
    6.0 reads the limit too): a 1,000-row import is then one INSERT, not twenty."""
    if connection.vendor != "sqlite":
        return
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    connection.features.max_query_params = limit


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """INSERT ``rows`` (values in the order of ``columns``, attnames of ``model``'s fields) in
    as few statements as the database's parameter limit allows (on PostgreSQL one, from
    arrays).

    ``QuerySet.bulk_create`` prepares every value of every row through its field, which is
    most of a 1,000-row import's time; here each distinct value of a column is prepared once
    (a date, a user or a status repeats on every row). No model instances, signals or
    ``pre_save``: give ``auto_now`` fields their value."""
    connection = connections[router.db_for_write(model)]
    fields = [next(f for f in model._meta.concrete_fields if f.attname == name) for name in columns]
    prepared: dict = {}

    def prepare(index: int, value):
        key = (index, type(value), value)
        try:
            return prepared[key]
        except KeyError:
            prepared[key] = fields[index].get_db_prep_save(value, connection)
            return prepared[key]
        except TypeError:  # not hashable
            return fields[index].get_db_prep_save(value, connection)

    values = [[prepare(i, v) for i, v in enumerate(row)] for row in rows]
    if not values:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    if connection.vendor == "postgresql":
        # One array per column: two dozen parameters whatever the number of rows (psycopg
        # would otherwise parse tens of thousands of placeholders).
        arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})"
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(column) for column in zip(*values, strict=True)])
        return
    limit = connection.features.max_query_params
    per_statement = max(1, limit // len(fields)) if limit else len(values)
    with connection.cursor() as cursor:
        for start in range(0, len(values), per_statement):
            batch = values[start : start + per_statement]
            sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([row_sql] * len(batch))}"
            cursor.execute(sql, [v for row in batch for v in row])
