"""Admin screens of the indicators app."""

from . import catalogue, review, values  # noqa: F401
