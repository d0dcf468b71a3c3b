"""Admin screens of the indicators app."""

from . import catalogue  # noqa: F401
