"""What a user may read and write, asked in one place.

A request resolves its reader's scope once (``scope_of(user)`` caches it on the user object,
which lives as long as the request): the role, the region and the regions read, the
department. Pages, the API, the admin, Excel and the services ask this object; nothing else
looks at role groups. Scoped querysets are built from it in ``indicators.selectors``; the
rules that need the catalogue (which data elements a department leads) live in
``indicators.permissions``. See docs/architecture.md.
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Q

from accounts.roles import Role, role_of

__all__ = ["Role", "Scope", "scope_of"]

_CACHE = "_zhonglou_scope"


class Scope:
    """One user's scope. Build it with :func:`scope_of`."""

    def __init__(self, user):
        self.user = user
        self.role: Role | None = role_of(user)
        self.region_id: int | None = getattr(user, "region_id", None) if self.role else None
        self.department_id: int | None = getattr(user, "department_id", None) if self.role else None

    def __repr__(self) -> str:
        return f"<Scope {self.role} region={self.region_id} department={self.department_id}>"

    # --- who -------------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Has a role in the product (inactive and anonymous users have none)."""
        return self.role is not None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_clerk(self) -> bool:
        return self.role == Role.CLERK

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    # --- reading ---------------------------------------------------------------------------

    @property
    def reads_scores(self) -> bool:
        """Scorecards show every department's values, so clerks (who see only their own
        department's values) read their department page instead."""
        return self.role in (Role.REVIEWER, Role.LEADER, Role.ADMIN)

    @property
    def reads_all_regions(self) -> bool:
        return self.is_admin

    def region_q(self, prefix: str = "") -> Q:
        """The regions read, as a filter on ``prefix`` + region: a clerk their own; a reviewer
        or leader their own and the regions directly under it (a city's creation office
        follows its districts); an administrator all; no role, none."""
        if self.is_admin:
            return Q()
        if self.role is None or self.region_id is None:
            return Q(pk__in=[])
        own = Q(**{f"{prefix}pk": self.region_id})
        if self.is_clerk:
            return own
        return own | Q(**{f"{prefix}parent_id": self.region_id})

    def reads(self, region_id: int, parent_id: int | None) -> bool:
        """:meth:`region_q` for one region whose id and parent are known: no query."""
        if self.is_admin:
            return True
        if self.role is None or self.region_id is None:
            return False
        return region_id == self.region_id or (not self.is_clerk and parent_id == self.region_id)

    @cached_property
    def region_ids(self) -> frozenset[int] | None:
        """The ids of the regions read (one query, then cached), or None for all regions."""
        if self.is_admin:
            return None
        from django.apps import apps

        region = apps.get_model("indicators", "Region")
        return frozenset(region.objects.filter(self.region_q()).values_list("pk", flat=True))

    def reads_region(self, region_id: int) -> bool:
        return self.region_ids is None or region_id in self.region_ids

    @property
    def has_regions_below(self) -> bool:
        """Reads regions under its own (a city): the comparison is its landing page."""
        return bool(self.region_ids) and any(r != self.region_id for r in self.region_ids)

    # --- writing ---------------------------------------------------------------------------

    @property
    def enters_values(self) -> bool:
        """Enters values at all (which ones: ``indicators.permissions.may_enter``)."""
        return self.role in (Role.CLERK, Role.ADMIN)

    @property
    def reviews(self) -> bool:
        """Reviews values, targets, declarations, veto events and year locks at all."""
        return self.role in (Role.REVIEWER, Role.ADMIN)

    def reviews_region(self, region_id: int) -> bool:
        return self.is_admin or (self.is_reviewer and self.region_id == region_id)

    def enters_in_region(self, region_id: int) -> bool:
        """May enter values in this region, given a data element their department leads."""
        if self.is_admin:
            return True
        return self.is_clerk and self.region_id == region_id and self.department_id is not None

    @property
    def administers(self) -> bool:
        """Users, API keys, the catalogue."""
        return self.is_admin


def scope_of(user) -> Scope:
    """The user's scope, resolved once and kept on the user object for the request."""
    cached = getattr(user, _CACHE, None) if user is not None else None
    if cached is not None:
        return cached
    scope = Scope(user)
    if user is not None and getattr(user, "is_authenticated", False):
        setattr(user, _CACHE, scope)
    return scope
