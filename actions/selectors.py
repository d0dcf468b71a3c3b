"""Reads of corrective actions, scoped to who asks."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.scope import scope_of
from actions.choices import ACTIVE, AT_RISK, AT_RISK_PROGRESS, GAP_STATUSES, UNFINISHED
from actions.models import CorrectiveAction, Milestone, ProgressNote


def _base() -> QuerySet[CorrectiveAction]:
    return CorrectiveAction.objects.select_related(
        "region", "edition", "indicator", "lead_department"
    ).prefetch_related("supporting_departments")


def actions_for_user(user) -> QuerySet[CorrectiveAction]:
    """The actions the user reads: an administrator all; a reviewer or leader those of the
    regions they read; a clerk those their department leads or supports; nobody else any."""
    scope = scope_of(user)
    if not scope.active:
        return CorrectiveAction.objects.none()
    actions = _base()
    if scope.is_admin:
        return actions
    actions = actions.filter(scope.region_q("region__"))
    if scope.is_clerk:
        if scope.department_id is None:
            return CorrectiveAction.objects.none()
        supported = CorrectiveAction.supporting_departments.through.objects.filter(
            correctiveaction=OuterRef("pk"), department=scope.department_id
        )
        actions = actions.filter(Q(lead_department=scope.department_id) | Exists(supported))
    return actions


def action_detail(user, pk: int) -> CorrectiveAction | None:
    """One action with its milestones and notes (and their authors), or None outside the
    user's scope."""
    return (
        actions_for_user(user)
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "pk")),
            Prefetch("notes", queryset=ProgressNote.objects.select_related("author")),
        )
        .select_related("created_by", "verified_by")
        .filter(pk=pk)
        .first()
    )


def action_history(action: CorrectiveAction):
    return action.history.select_related("history_user").order_by("-history_date", "-pk")


def _mark_overdue(actions, today: datetime.date):
    for action in actions:
        action.overdue = action.is_overdue(today)
    return actions


def actions_by_indicator(
    user, region, edition, today: datetime.date
) -> dict[str, CorrectiveAction]:
    """Indicator code → the action that follows its gap (the active one, else the latest
    verified), for the overview's gap list, each marked ``overdue``: one query."""
    found: dict[str, CorrectiveAction] = {}
    rows = (
        actions_for_user(user)
        .filter(region=region, edition=edition)
        .order_by("indicator__code", "-created_at", "-pk")
    )
    for action in rows:
        current = found.get(action.indicator.code)
        if current is None or (action.status in ACTIVE and current.status not in ACTIVE):
            found[action.indicator.code] = action
    _mark_overdue(found.values(), today)
    return found


def actions_for_indicator(user, region, indicator, today: datetime.date) -> list[CorrectiveAction]:
    return _mark_overdue(
        list(actions_for_user(user).filter(region=region, indicator=indicator)), today
    )


def department_actions(user, department, today: datetime.date) -> list[CorrectiveAction]:
    """The actions a department leads or supports (as the user may read them), each marked
    ``overdue``."""
    rows = (
        actions_for_user(user)
        .filter(Q(lead_department=department) | Q(supporting_departments=department))
        .distinct()
        .order_by("due_date", "pk")
    )
    return _mark_overdue(list(rows), today)


def overdue_actions(today: datetime.date) -> list[CorrectiveAction]:
    """Every region's unfinished actions past their due date or with a milestone past its
    date and not done (for the daily reminders), each with ``late_milestones`` and
    ``overdue_since``, the earliest date missed: two queries."""
    late = Milestone.objects.filter(done=False, due_date__lt=today).order_by("due_date", "pk")
    rows = (
        CorrectiveAction.objects.filter(status__in=[s.value for s in UNFINISHED])
        .filter(Q(due_date__lt=today) | Exists(late.filter(action=OuterRef("pk"))))
        .select_related("region", "indicator", "lead_department__head")
        .prefetch_related(Prefetch("milestones", queryset=late, to_attr="late_milestones"))
        .order_by("region", "lead_department", "due_date", "pk")
    )
    actions = list(rows)
    for action in actions:
        missed = [m.due_date for m in action.late_milestones]
        if action.due_date < today:
            missed.append(action.due_date)
        action.overdue_since = min(missed)
    return actions


def gap_of(result) -> str | None:
    """The gap an indicator's result shows: not met, missing, pending, or at risk (its
    projection misses the target); None when there is none."""
    if result is None:
        return None
    if result.status in GAP_STATUSES:
        return str(result.status)
    if result.projection is not None and result.projection.status in AT_RISK_PROGRESS:
        return AT_RISK
    return None
