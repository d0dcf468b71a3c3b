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


def enterable_elements(user, region_id: int, element_ids=None) -> frozenset[int] | None:
    """The data elements (ids) whose values the user may create and edit in this region;
    None means every element (administrators). With ``element_ids``, only those are looked at.
    One query for a clerk, none otherwise."""
    role = role_of(user)
    if role == Role.ADMIN:
        return None
    if role != Role.CLERK or user.region_id != region_id or user.department_id is None:
        return frozenset()
    # The lead department enters the value; supporting departments see it and provide inputs.
    leads = Responsibility.objects.filter(
        region_id=region_id, department_id=user.department_id, role=ResponsibilityRole.LEAD
    )
    if element_ids is not None:
        leads = leads.filter(data_element_id__in=list(element_ids))
    return frozenset(leads.values_list("data_element_id", flat=True))


def may_enter(user, region_id: int, data_element_id: int) -> bool:
    """The user may create and edit values of this data element in this region."""
    scope = enterable_elements(user, region_id, [data_element_id])
    return scope is None or data_element_id in scope


def may_edit_value(user, value: IndicatorValue) -> bool:
    return value.status in EDITABLE_STATUSES and may_enter(
        user, value.region_id, value.data_element_id
    )
