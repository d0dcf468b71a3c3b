"""Admin screens of the indicators app."""

from . import catalogue, deadlines, review, values  # noqa: F401
