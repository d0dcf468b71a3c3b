"""API-key authentication: ``Authorization: Api-Key <key>`` or ``X-API-Key: <key>``."""

from __future__ import annotations

import hmac

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.api_keys import hash_key, prefix_of
from accounts.models import ApiKey


def key_from_request(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("api-key "):
        return header.split(" ", 1)[1].strip()
    return request.META.get("HTTP_X_API_KEY") or None


def _limited() -> RawSQL:
    """Whether the key names regions, as SQL (cheaper to build than the ORM's Exists on a
    path that counts milliseconds)."""
    through = ApiKey.regions.through._meta.db_table
    keys = ApiKey._meta.db_table
    return RawSQL(
        f'EXISTS (SELECT 1 FROM "{through}" r WHERE r."apikey_id" = "{keys}"."id")',
        (),
        output_field=BooleanField(),
    )


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates as the key's owner; ``request.auth`` is the ApiKey."""

    def authenticate(self, request):
        key = key_from_request(request)
        if not key:
            return None
        prefix = prefix_of(key)
        # Whether the key is limited to regions, in the same query: an unlimited key (the
        # usual case) costs no query for its regions afterwards (see ``key_regions``).
        api_key = (
            ApiKey.objects.select_related("owner")
            .annotate(limited=_limited())
            .filter(prefix=prefix)
            .first()
            if prefix
            else None
        )
        if api_key is None or not hmac.compare_digest(api_key.key_hash, hash_key(key)):
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        if not api_key.active:
            raise exceptions.AuthenticationFailed(_("This API key was revoked."))
        if not api_key.owner.is_active:
            raise exceptions.AuthenticationFailed(_("The owner of this API key is inactive."))
        now = timezone.now()
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return api_key.owner, api_key

    def authenticate_header(self, request):
        return "Api-Key"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "An API key issued by an administrator (Admin → API keys). "
            "Also accepted as `Authorization: Api-Key <key>`.",
        }
