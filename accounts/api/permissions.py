"""API permissions: authenticated users with a role; keys write only when granted."""

from __future__ import annotations

from rest_framework import permissions

from accounts.models import ApiKey
from accounts.scope import scope_of


class HasRole(permissions.BasePermission):
    """Any signed-in user (or key owner) with a role; API keys may write only when granted."""

    message = "You need an account with a role in zhonglou (or an API key issued to one)."

    def has_permission(self, request, view) -> bool:
        if not scope_of(request.user).active:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        key = request.auth if isinstance(request.auth, ApiKey) else None
        if key is not None and not key.can_write:
            self.message = "This API key is read-only."
            return False
        return True


def key_regions(request) -> list[int] | None:
    """The region ids an API key is limited to, or None (no limit beyond the owner's)."""
    key = request.auth if isinstance(request.auth, ApiKey) else None
    if key is None or getattr(key, "limited", True) is False:
        return None
    ids = [r.pk for r in key.regions.all()]
    return ids or None


def restrict(queryset, request, field: str = "region"):
    """Apply an API key's region limit to a queryset already scoped to the owner: no query of
    its own (the limit is a subquery; an unlimited key, known at authentication, adds none)."""
    key = request.auth if isinstance(request.auth, ApiKey) else None
    if key is None or getattr(key, "limited", True) is False:
        return queryset
    if getattr(key, "limited", None) is None:  # not known (not from the authentication)
        ids = key_regions(request)
        return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})
    limit = ApiKey.regions.through.objects.filter(apikey_id=key.pk).values("region_id")
    return queryset.filter(**{f"{field}__in": limit})
