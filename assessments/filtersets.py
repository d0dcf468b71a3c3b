import django_filters

from assessments.choices import Mode
from assessments.models import AssessmentSnapshot
from zhonglou.api.filters import BooleanFilter


class SnapshotFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code")
    edition = django_filters.CharFilter(field_name="edition__code")
    year = django_filters.NumberFilter()
    mode = django_filters.ChoiceFilter(choices=Mode.choices)
    current = BooleanFilter(field_name="is_current")

    class Meta:
        model = AssessmentSnapshot
        fields = ["region", "edition", "year", "mode", "current"]
