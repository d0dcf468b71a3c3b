"""The four roles of the product. A role is a Django group (created by a migration); a user
also belongs to a region and, for clerks, to a department."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"
    REVIEWER = "reviewer"
    LEADER = "leader"
    ADMIN = "admin"


# Group names are what administrators see in the admin, so they are Chinese.
GROUP_NAMES: dict[Role, str] = {
    Role.CLERK: "部门填报员",
    Role.REVIEWER: "创建办审核员",
    Role.LEADER: "领导",
    Role.ADMIN: "系统管理员",
}
_BY_GROUP = {name: role for role, name in GROUP_NAMES.items()}
# When a user is in several groups, the strongest role wins.
_STRENGTH = [Role.ADMIN, Role.REVIEWER, Role.CLERK, Role.LEADER]


def role_of(user) -> Role | None:
    """The user's role, or None for anonymous users and users with no role group."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    cached = getattr(user, "_zhonglou_role", "unset")
    if cached != "unset":
        return cached
    return remember_role(user, {g.name for g in user.groups.all()})


def remember_role(user, group_names) -> Role | None:
    """The role given by the user's group names (read by the caller, e.g. with the user in
    the same query), kept on the user object for :func:`role_of`."""
    roles = {_BY_GROUP[n] for n in group_names if n in _BY_GROUP}
    role = next((r for r in _STRENGTH if r in roles), None)
    user._zhonglou_role = role
    return role
