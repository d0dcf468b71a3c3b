"""Who may do what. Services enforce these; admin screens and API views ask them to decide
what to show. Scoping of reads lives in selectors (values_for_user and friends)."""

from __future__ import annotations

from accounts.roles import Role, role_of
from indicators.choices import ResponsibilityRole, ValueStatus
from indicators.models import IndicatorValue, Responsibility

EDITABLE_STATUSES = (ValueStatus.DRAFT, ValueStatus.RETURNED)


def is_reviewer_of(user, region_id: int) -> bool:
    role = role_of(user)
    return role == Role.ADMIN or (role == Role.REVIEWER and user.region_id == region_id)


def may_enter(user, region_id: int, data_element_id: int) -> bool:
    """The user may create and edit values of this data element in this region."""
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    if role != Role.CLERK or user.region_id != region_id or user.department_id is None:
        return False
    # The lead department enters the value; supporting departments see it and provide inputs.
    return Responsibility.objects.filter(
        region_id=region_id,
        data_element_id=data_element_id,
        department_id=user.department_id,
        role=ResponsibilityRole.LEAD,
    ).exists()


def may_edit_value(user, value: IndicatorValue) -> bool:
    return value.status in EDITABLE_STATUSES and may_enter(
        user, value.region_id, value.data_element_id
    )
