"""The one place that reads the process environment.

Each reader returns a parsed value or raises ``ImproperlyConfigured`` naming the variable, so
that a malformed value stops the process at start instead of surfacing as a strange error later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ_: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ_ is None else environ_
    value = source.get(name)
    return None if value is None else value.strip()


def read_bool(name: str, default: bool, environ_: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ_)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}: expected one of true/false/1/0/yes/no/on/off, got {value!r}"
    )


def read_str(name: str, default: str | None = None, environ_: Mapping[str, str] | None = None):
    value = _raw(name, environ_)
    return default if value in (None, "") else value


def require_str(name: str, environ_: Mapping[str, str] | None = None) -> str:
    value = read_str(name, None, environ_)
    if value is None:
        raise ImproperlyConfigured(f"{name}: this variable is required in this environment")
    return value


def read_list(name: str, default: list[str], environ_: Mapping[str, str] | None = None):
    value = _raw(name, environ_)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}: empty item in comma-separated list {value!r}")
    return items


def read_int(
    name: str,
    default: int,
    environ_: Mapping[str, str] | None = None,
    *,
    minimum: int | None = None,
) -> int:
    value = _raw(name, environ_)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(
            f"{name}: expected an integer of at least {minimum}, got {value!r}"
        )
    return number


def read_choice(
    name: str, choices: tuple[str, ...], default: str, environ_: Mapping[str, str] | None = None
) -> str:
    value = read_str(name, None, environ_)
    if value is None:
        return default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def read_url(name: str, default: str, environ_: Mapping[str, str] | None = None) -> str:
    """An absolute http(s) URL without a trailing slash (e.g. SITE_URL)."""
    value = read_str(name, default, environ_)
    if not value.startswith(("http://", "https://")) or value[-3:] == "://":
        raise ImproperlyConfigured(f"{name}: expected an http:// or https:// URL, got {value!r}")
    return value.rstrip("/")


_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql", "psql"}


def read_database(
    name: str, default: str, environ_: Mapping[str, str] | None = None
) -> dict[str, Any]:
    url = read_str(name, default, environ_)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in _DB_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}: expected sqlite:///path or postgres://user@host:port/name, got {url!r}"
        )
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises several types for bad URLs
        raise ImproperlyConfigured(f"{name}: cannot parse {url!r} ({exc})") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}: the URL names no database: {url!r}")
    if scheme == "sqlite":
        # The background recompute thread writes while requests write: each waits for the
        # other's lock (up to 20 s) instead of failing with "database is locked", and takes the
        # write lock when its transaction begins, so two writers never deadlock on an upgrade.
        config.setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
    else:
        config["ENGINE"] = "django.db.backends.postgresql"
        config["CONN_MAX_AGE"] = read_int("DATABASE_CONN_MAX_AGE", 60, environ_)
        config["CONN_HEALTH_CHECKS"] = True
        # zhonglou.db.fetch_one prepares the hottest reads (API keys, the scorecard's short
        # path); Django's own queries are never prepared. Off behind a pooler that cannot
        # keep prepared statements (PgBouncer before 1.21 in transaction mode).
        prepared = read_bool("DATABASE_PREPARED_STATEMENTS", True, environ_)
        config.setdefault("OPTIONS", {})["prepare_threshold"] = 5 if prepared else None
    return config


_EMAIL_SCHEMES = {
    "consolemail",
    "smtp",
    "smtps",
    "smtp+tls",
    "smtp+ssl",
    "filemail",
    "memorymail",
    "dummymail",
}


def read_email(name: str, default: str, environ_: Mapping[str, str] | None = None) -> dict:
    url = read_str(name, default, environ_)
    scheme = url.split(":", 1)[0]
    if scheme not in _EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}: expected consolemail:// or smtp://user:pass@host:port, got {url!r}"
        )
    try:
        return environ.Env.email_url_config(url)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name}: cannot parse {url!r} ({exc})") from None


_BROKER_SCHEMES = {"redis", "rediss", "amqp", "amqps", "memory"}


def read_broker(name: str, environ_: Mapping[str, str] | None = None) -> str | None:
    url = read_str(name, None, environ_)
    if url is None:
        return None
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in _BROKER_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}: expected redis://host:port/db or amqp://user:pass@host//, got {url!r}"
        )
    return url


_CACHE_SCHEMES = {"locmem", "redis", "rediss", "dummy"}


def read_cache(name: str, default: str, environ_: Mapping[str, str] | None = None) -> dict:
    url = read_str(name, default, environ_)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in _CACHE_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}: expected locmem:// or redis://host:6379/1, got {url!r}"
        )
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
