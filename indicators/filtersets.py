"""Filters of the API list endpoints."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef

from indicators.choices import Category, Scope, ValueStatus
from indicators.models import Indicator, IndicatorValue, Responsibility


class IndicatorFilter(django_filters.FilterSet):
    edition = django_filters.CharFilter(field_name="edition__code", help_text="Edition code.")
    domain = django_filters.CharFilter(field_name="task__domain__code", help_text="Domain code.")
    type = django_filters.ChoiceFilter(field_name="category", choices=Category.choices)
    scope = django_filters.ChoiceFilter(choices=Scope.choices)
    department = django_filters.CharFilter(
        method="filter_department",
        help_text="Department code: indicators whose data it supplies (lead or supporting).",
    )

    class Meta:
        model = Indicator
        fields = ["edition", "domain", "type", "scope", "department"]

    def filter_department(self, queryset, name, value):
        return queryset.filter(data_element__responsibilities__department__code=value).distinct()


class ValueFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", help_text="Region code.")
    year = django_filters.NumberFilter()
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte")
    data_element = django_filters.CharFilter(field_name="data_element__key")
    indicator = django_filters.CharFilter(
        method="filter_indicator",
        help_text="Indicator code (e.g. 25.1) in any edition; a parent code includes its children.",
    )
    department = django_filters.CharFilter(
        method="filter_department",
        help_text="Department code: values whose data element it supplies in their region.",
    )
    status = django_filters.ChoiceFilter(choices=ValueStatus.choices)

    class Meta:
        model = IndicatorValue
        fields = ["region", "year", "year_min", "year_max", "data_element", "indicator", "status"]

    def filter_department(self, queryset, name, value):
        # The department of the value's own region: departments of other regions share codes.
        supplies = Responsibility.objects.filter(
            region=OuterRef("region"),
            data_element=OuterRef("data_element"),
            department__code=value,
        )
        return queryset.filter(Exists(supplies))

    def filter_indicator(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(data_element__indicators__code=value)
            | Q(data_element__indicators__parent__code=value)
        ).distinct()
