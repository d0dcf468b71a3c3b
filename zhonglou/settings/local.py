"""Laptop settings: SQLite, eager Celery and console e-mail unless the environment says so."""

import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR
from .environment import read_bool, read_str

DEBUG = read_bool("DEBUG", True)


def _local_secret_key() -> str:
    """A random key kept in a git-ignored file, so that sessions survive a restart."""
    path = BASE_DIR / ".local-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = read_str("SECRET_KEY") or _local_secret_key()
DEMO_ACCOUNTS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
