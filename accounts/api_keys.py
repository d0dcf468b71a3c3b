"""API keys for consumers (the city platform, scripts): issued by an administrator, shown once,
stored as a SHA-256 hash, read-only unless granted write, optionally limited to regions."""

from __future__ import annotations

import hashlib
import secrets

PREFIX_LENGTH = 8


def new_key() -> tuple[str, str, str]:
    """A fresh key: (the full key shown once, its public prefix, its hash)."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    key = f"zl_{prefix}_{secret}"
    return key, prefix, hash_key(key)


def hash_key(key: str) -> str:
    # Keys carry 256 bits of randomness, so a fast hash is enough (no brute force possible).
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def prefix_of(key: str) -> str | None:
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "zl" or len(parts[1]) != PREFIX_LENGTH:
        return None
    return parts[1]
