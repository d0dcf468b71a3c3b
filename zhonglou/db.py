"""Database connection tuning shared by every app."""

from __future__ import annotations

import sqlite3

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
