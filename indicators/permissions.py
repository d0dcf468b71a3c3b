"""Who may do what. Services enforce these; admin screens and API views ask them to decide
what to show. Scoping of reads lives in selectors (values_for_user and friends)."""

from __future__ import annotations

from accounts.scope import scope_of
from indicators.choices import ResponsibilityRole, ValueStatus
from indicators.models import IndicatorValue, Responsibility, YearLock

EDITABLE_STATUSES = (ValueStatus.DRAFT, ValueStatus.RETURNED)

# The value workflow: each action, the statuses it starts from and the status it leads to.
SUBMIT, APPROVE, RETURN, REOPEN = "submit", "approve", "return", "reopen"
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    SUBMIT: (EDITABLE_STATUSES, ValueStatus.SUBMITTED),
    APPROVE: ((ValueStatus.SUBMITTED,), ValueStatus.APPROVED),
    RETURN: ((ValueStatus.SUBMITTED,), ValueStatus.RETURNED),
    REOPEN: ((ValueStatus.APPROVED,), ValueStatus.RETURNED),  # back to its department
}


def is_reviewer_of(user, region_id: int) -> bool:
    return scope_of(user).reviews_region(region_id)


def enterable_elements(user, region_id: int, element_ids=None) -> frozenset[int] | None:
    """The data elements (ids) whose values the user may create and edit in this region;
    None means every element (administrators). With ``element_ids``, only those are looked at.
    One query for a clerk, none otherwise."""
    scope = scope_of(user)
    if scope.is_admin:
        return None
    if not scope.enters_in_region(region_id):
        return frozenset()
    # The lead department enters the value; supporting departments see it and provide inputs.
    leads = Responsibility.objects.filter(
        region_id=region_id, department_id=scope.department_id, role=ResponsibilityRole.LEAD
    )
    if element_ids is not None:
        leads = leads.filter(data_element_id__in=list(element_ids))
    return frozenset(leads.values_list("data_element_id", flat=True))


def may_enter(user, region_id: int, data_element_id: int) -> bool:
    """The user may create and edit values of this data element in this region."""
    elements = enterable_elements(user, region_id, [data_element_id])
    return elements is None or data_element_id in elements


def may_edit_value(user, value: IndicatorValue) -> bool:
    return value.status in EDITABLE_STATUSES and may_enter(
        user, value.region_id, value.data_element_id
    )


def locked_years(region_id: int, years=None) -> frozenset[int]:
    """The region's locked years (among ``years`` when given), in one query."""
    locks = YearLock.objects.filter(region_id=region_id, locked=True)
    if years is not None:
        locks = locks.filter(year__in=list(years))
    return frozenset(locks.values_list("year", flat=True))


def year_is_locked(region_id: int, year: int) -> bool:
    return year in locked_years(region_id, [year])


# Four eyes: whoever entered or submitted a value does not decide on it.
REVIEW_DECISIONS = (APPROVE, RETURN)


def is_own_value(user, value: IndicatorValue) -> bool:
    """The user entered or submitted the value (in its current round)."""
    return user.pk is not None and user.pk in (value.entered_by_id, value.submitted_by_id)


def may_act(user, value: IndicatorValue, action: str) -> bool:
    """The user's role allows ``action`` on this value, whatever its status: the department
    that enters it submits it, the region's reviewers approve, return and reopen it, but
    nobody (administrators included) approves or returns a value they entered or
    submitted."""
    if action == SUBMIT:
        return may_enter(user, value.region_id, value.data_element_id)
    if action in REVIEW_DECISIONS and is_own_value(user, value):
        return False
    return action in TRANSITIONS and is_reviewer_of(user, value.region_id)


def value_actions(user, value: IndicatorValue) -> set[str]:
    """The workflow actions the user may take on the value now: its status allows them, the
    user's role allows them and its year is not locked. The services refuse exactly the others
    (besides their checks of the value's content, e.g. no value entered yet, and of versions)."""
    if year_is_locked(value.region_id, value.year):
        return set()
    return {
        action
        for action, (from_statuses, _to) in TRANSITIONS.items()
        if value.status in from_statuses and may_act(user, value, action)
    }
