"""Reads of the accounts app."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role


def users_with_role(*roles: Role | str, **filters) -> QuerySet[User]:
    """Active users in any of the role groups ``roles`` (other apps ask here rather than read
    the groups), filtered further by ``filters`` (``region_id=…``, ``department_id=…``)."""
    names = [GROUP_NAMES[Role(role)] for role in roles]
    return User.objects.filter(is_active=True, groups__name__in=names, **filters).distinct()
