"""Database connection tuning shared by every app."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, router
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


def fetch_one(sql: str, params: Sequence = (), using: str = DEFAULT_DB_ALIAS):
    """The first row of a hot read written in plain SQL (``%s`` placeholders). On PostgreSQL
    the statement is prepared: planned once per connection and then only executed — planning
    a read of a few rows costs more than running it. Logged and wrapped as any query; when
    the connection does not prepare (``DATABASE_PREPARED_STATEMENTS=false``, e.g. behind a
    pooler that cannot) or elsewhere, an ordinary query."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        if raw.prepare_threshold is not None:
            factory = raw.cursor_factory
            raw.cursor_factory = _prepared_cursor_class()
            try:
                cursor = connection.cursor()
            finally:
                raw.cursor_factory = factory
            with cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@functools.cache
def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        """Binds on the server and prepares every statement it executes."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

        def _send_query_prepared(self, name, pgq, *, binary=None):
            # psycopg keeps the text of the last query (which Django logs, e.g. for
            # CaptureQueriesContext) only when it is not prepared.
            self._query = pgq
            return super()._send_query_prepared(name, pgq, binary=binary)

    return PreparedCursor


def read_row(model, names: Sequence[str], values: Sequence):
    """An instance of ``model`` from the values of its fields ``names`` (attnames, in any
    order) read with plain SQL, converted as the ORM converts what it reads (SQLite's text
    datetimes and 0/1 booleans, …); the fields not named are deferred. For reads that count
    milliseconds, where building a query through the ORM costs more than running it."""
    db = router.db_for_read(model)
    connection = connections[db]
    attnames, columns = _columns(model, tuple(names), db)
    converted = [None] * len(values)
    for index, column, converters in columns:
        value = values[index]
        for converter in converters:
            value = converter(value, column, connection)
        converted[index] = value
    # Model.from_db takes the values in the order of the model's fields.
    return model.from_db(db, attnames, [converted[index] for index, _c, _f in columns])


@functools.cache
def _columns(model, names: tuple[str, ...], db: str):
    """The names in the order of the model's fields, and for each its position in ``names``,
    its column and the converters the ORM applies to it."""
    connection = connections[db]
    position = {name: index for index, name in enumerate(names)}
    if len(position) != len(names):
        raise ValueError(f"{model.__name__}: a field is named twice in {names}")
    columns, attnames = [], []
    for field in model._meta.concrete_fields:
        if field.attname not in position:
            continue
        column = field.get_col(model._meta.db_table)
        converters = [
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ]
        columns.append((position.pop(field.attname), column, converters))
        attnames.append(field.attname)
    if position:
        raise ValueError(f"{model.__name__} has no fields {sorted(position)}")
    return attnames, columns


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
