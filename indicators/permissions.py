"""Who may do what. Services enforce these; admin screens and API views ask them to decide
what to show. Scoping of reads lives in selectors (values_for_user and friends)."""

from __future__ import annotations

from accounts.scope import scope_of
from indicators.choices import ResponsibilityRole, ValueStatus
from indicators.models import IndicatorValue, Responsibility

EDITABLE_STATUSES = (ValueStatus.DRAFT, ValueStatus.RETURNED)


def is_reviewer_of(user, region_id: int) -> bool:
    return scope_of(user).reviews_region(region_id)


def may_enter(user, region_id: int, data_element_id: int) -> bool:
    """The user may create and edit values of this data element in this region."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if not scope.enters_in_region(region_id):
        return False
    # The lead department enters the value; supporting departments see it and provide inputs.
    return Responsibility.objects.filter(
        region_id=region_id,
        data_element_id=data_element_id,
        department_id=scope.department_id,
        role=ResponsibilityRole.LEAD,
    ).exists()


def may_edit_value(user, value: IndicatorValue) -> bool:
    return value.status in EDITABLE_STATUSES and may_enter(
        user, value.region_id, value.data_element_id
    )
