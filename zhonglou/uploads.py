"""Bounds on request bodies that carry uploads, checked before the body is read."""

from __future__ import annotations

# Room for the multipart envelope and the other fields of a form around the file itself.
ENVELOPE_BYTES = 64 * 1024


def declared_length(request) -> int | None:
    """The body's length as the client declared it (None when it did not, or not as a
    number)."""
    raw = request.META.get("CONTENT_LENGTH") or ""
    return int(raw) if raw.isdigit() else None


def body_too_large(request, limit: int) -> bool:
    """The declared body exceeds ``limit`` bytes (plus the envelope), so it need not be read."""
    length = declared_length(request)
    return length is not None and length > limit + ENVELOPE_BYTES
