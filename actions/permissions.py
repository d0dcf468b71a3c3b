"""Who may do what with a corrective action, asked of the scope (accounts.scope): a region's
reviewers create, edit and verify; the lead department's clerks move it along and report; the
readers of the region's scores (and the departments involved) read it."""

from __future__ import annotations

from accounts.scope import scope_of


def may_create(user, region_id: int) -> bool:
    return scope_of(user).reviews_region(region_id)


def may_edit(user, action) -> bool:
    """The description, departments, due date and milestones: the region's reviewers."""
    return scope_of(user).reviews_region(action.region_id)


def may_update(user, action) -> bool:
    """Status (up to done), progress notes and milestones done: the lead department's clerks."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    return (
        scope.is_clerk
        and scope.region_id == action.region_id
        and scope.department_id is not None
        and scope.department_id == action.lead_department_id
    )


def may_verify(user, action) -> bool:
    return scope_of(user).reviews_region(action.region_id)


def may_note(user, action) -> bool:
    """A progress note: the lead department, or a reviewer of the region."""
    return may_update(user, action) or may_edit(user, action)


def may_plan(user, action) -> bool:
    """Milestones (add, rename, move, mark done): the lead department, or a reviewer."""
    return may_update(user, action) or may_edit(user, action)


def actions_allowed(user, action) -> dict[str, bool]:
    """What the page and the API offer this user on this action."""
    return {
        "edit": may_edit(user, action),
        "update": may_update(user, action),
        "verify": may_verify(user, action),
        "note": may_note(user, action),
        "milestones": may_plan(user, action),
    }
