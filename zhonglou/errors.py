"""Errors that every layer may raise and every adapter knows how to show."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """What the actor acted on changed since they read it, or exists already: nothing was
    written. ``params`` carries the facts a caller needs to recover (e.g. ``current_version``,
    ``id``); the API passes them on as the details of its 409 answer."""
