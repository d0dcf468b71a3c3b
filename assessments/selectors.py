"""Reads of assessments, scoped to who may see scores."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.roles import Role, role_of
from assessments.models import AssessmentSnapshot
from indicators import selectors as indicator_selectors

SCORE_READERS = (Role.REVIEWER, Role.LEADER, Role.ADMIN)


def may_read_scores(user) -> bool:
    """Scorecards show every department's values, so clerks (who see only their own
    department's values) read their department page instead."""
    return role_of(user) in SCORE_READERS


def snapshots_for_user(user) -> QuerySet[AssessmentSnapshot]:
    if not may_read_scores(user):
        return AssessmentSnapshot.objects.none()
    regions = indicator_selectors.regions_for_user(user)
    return AssessmentSnapshot.objects.filter(region__in=regions).select_related("region", "edition")
