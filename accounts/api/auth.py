"""API-key authentication: ``Authorization: Api-Key <key>`` or ``X-API-Key: <key>``."""

from __future__ import annotations

import functools
import hmac

from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.api_keys import hash_key, prefix_of
from accounts.models import ApiKey, User
from accounts.roles import GROUP_NAMES, remember_role
from zhonglou.db import fetch_one, read_row


def key_from_request(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("api-key "):
        return header.split(" ", 1)[1].strip()
    return request.META.get("HTTP_X_API_KEY") or None


_KEY_FIELDS = (
    "id",
    "name",
    "owner_id",
    "prefix",
    "key_hash",
    "can_write",
    "created_at",
    "last_used_at",
    "revoked_at",
)
# What the scope of the key's owner needs (accounts.scope); the rest of the user is deferred.
_OWNER_FIELDS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
    "region_id",
    "department_id",
)


@functools.cache
def _key_sql() -> str:
    """The key by its prefix, with its owner, whether the owner is in each role's group and
    whether the key is limited to regions: one prepared query of plain SQL (through the ORM,
    building it costs more than running it, on every call of the API)."""
    keys, users = ApiKey._meta.db_table, User._meta.db_table
    through = ApiKey.regions.through._meta.db_table
    member = User.groups.through._meta.db_table
    groups = Group._meta.db_table
    columns = [f'k."{ApiKey._meta.get_field(n).column}"' for n in _KEY_FIELDS]
    columns += [f'u."{User._meta.get_field(n).column}"' for n in _OWNER_FIELDS]
    columns += [
        f'EXISTS (SELECT 1 FROM "{member}" m INNER JOIN "{groups}" g ON g."id" = m."group_id" '
        f'WHERE m."user_id" = u."id" AND g."name" = %s)'
        for _name in GROUP_NAMES
    ]
    columns.append(f'EXISTS (SELECT 1 FROM "{through}" r WHERE r."apikey_id" = k."id")')
    return (
        f'SELECT {", ".join(columns)} FROM "{keys}" k '
        f'INNER JOIN "{users}" u ON u."id" = k."owner_id" WHERE k."prefix" = %s'
    )


def _find(prefix: str) -> ApiKey | None:
    row = fetch_one(_key_sql(), (*GROUP_NAMES.values(), prefix))
    if row is None:
        return None
    keys, owners = len(_KEY_FIELDS), len(_OWNER_FIELDS)
    api_key = read_row(ApiKey, _KEY_FIELDS, row[:keys])
    owner = read_row(User, _OWNER_FIELDS, row[keys : keys + owners])
    member_of = zip(GROUP_NAMES.values(), row[keys + owners : -1], strict=True)
    remember_role(owner, [name for name, yes in member_of if yes])
    api_key.owner = owner
    # Whether the key is limited to regions: an unlimited key (the usual case) costs no
    # query for its regions afterwards (see ``key_regions``).
    api_key.limited = bool(row[-1])
    return api_key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates as the key's owner; ``request.auth`` is the ApiKey."""

    def authenticate(self, request):
        key = key_from_request(request)
        if not key:
            return None
        prefix = prefix_of(key)
        api_key = _find(prefix) if prefix else None
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
