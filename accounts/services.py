"""Writes of the accounts app: API keys are issued and revoked here only (the admin's API keys
screen and the ``issue_api_key`` command call these).

Only administrators issue and revoke keys. ``actor=None`` stands for the command line, whose
operator has the server itself. Each issue and revocation by a person is recorded in the
admin's log (the key's own record keeps when it was created and revoked; it is never deleted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.api_keys import new_key
from accounts.models import ApiKey, User
from accounts.scope import scope_of


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    key: str  # the full key: show it once, it is stored only as a hash


def _require_admin(actor) -> None:
    if actor is not None and not scope_of(actor).administers:
        raise PermissionDenied(_("Only an administrator may issue or revoke API keys."))


def _log(actor, keys, flag: int, message: str) -> None:
    if actor is not None:
        LogEntry.objects.log_actions(actor.pk, keys, flag, message, single_object=len(keys) == 1)


def _regions(regions: Iterable) -> list:
    """Regions given as rows or as their codes; an unknown code is an error."""
    regions = list(regions)
    codes = {r for r in regions if isinstance(r, str)}
    rows = [r for r in regions if not isinstance(r, str)]
    if codes:
        region_model = ApiKey._meta.get_field("regions").related_model
        found = list(region_model.objects.filter(code__in=codes))
        unknown = codes - {r.code for r in found}
        if unknown:
            raise ValidationError(
                {
                    "regions": _("Unknown region code: %(codes)s.")
                    % {"codes": ", ".join(sorted(unknown))}
                },
                code="region",
            )
        rows += found
    return rows


@transaction.atomic
def api_key_issue(
    *, actor, owner: User, name: str, can_write: bool = False, regions: Iterable = ()
) -> IssuedKey:
    """A new key acting for ``owner`` (read-only unless ``can_write``; limited to ``regions``,
    rows or codes, when any are given)."""
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Say who uses the key.")}, code="name")
    if not owner.is_active:
        raise ValidationError({"owner": _("The owner's account is inactive.")}, code="owner")
    rows = _regions(regions)
    key, prefix, key_hash = new_key()
    api_key = ApiKey.objects.create(
        name=name, owner=owner, prefix=prefix, key_hash=key_hash, can_write=can_write
    )
    api_key.regions.set(rows)
    _log(actor, [api_key], ADDITION, _("Issued."))
    return IssuedKey(api_key, key)


@transaction.atomic
def api_key_revoke(*, actor, keys: Iterable[ApiKey]) -> int:
    """Revoke the keys that are still active; returns how many were. A revoked key stays, so
    that the record of who had access does."""
    _require_admin(actor)
    pks = [k.pk for k in keys]
    active = list(ApiKey.objects.select_for_update().filter(pk__in=pks, revoked_at__isnull=True))
    if not active:
        return 0
    ApiKey.objects.filter(pk__in=[k.pk for k in active]).update(revoked_at=timezone.now())
    _log(actor, active, CHANGE, _("Revoked."))
    return len(active)
