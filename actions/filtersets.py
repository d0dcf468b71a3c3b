"""Filters of /api/v1/actions/."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from actions.choices import UNFINISHED, ActionStatus
from actions.models import CorrectiveAction
from zhonglou.api.filters import BooleanFilter


class ActionFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", help_text="Region code.")
    edition = django_filters.CharFilter(field_name="edition__code", help_text="Edition code.")
    indicator = django_filters.CharFilter(field_name="indicator__code", help_text="e.g. 25")
    year = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)
    lead_department = django_filters.CharFilter(
        field_name="lead_department__code", help_text="Department code."
    )
    overdue = BooleanFilter(method="filter_overdue", help_text="Past the due date, not done.")

    class Meta:
        model = CorrectiveAction
        fields = ["region", "edition", "indicator", "year", "status", "lead_department", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = {"status__in": [s.value for s in UNFINISHED], "due_date__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)
