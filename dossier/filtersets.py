"""Filters of /api/v1/evidence-packages/."""

from __future__ import annotations

import django_filters

from dossier.choices import PackageStatus
from dossier.models import EvidencePackage


class PackageFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", help_text="Region code.")
    edition = django_filters.CharFilter(field_name="edition__code", help_text="Edition code.")
    year = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=PackageStatus.choices)

    class Meta:
        model = EvidencePackage
        fields = ["region", "edition", "year", "status"]
