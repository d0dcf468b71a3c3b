"""Serializers of evidence packages."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from dossier.models import EvidencePackage
from indicators.models.values import YEAR_MAX, YEAR_MIN


class PackageSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    edition = serializers.CharField(source="edition.code")
    requester = serializers.CharField(source="requester.username", default=None)
    download_url = serializers.SerializerMethodField(
        help_text="Where the ZIP is fetched once the status is ready; null before."
    )

    class Meta:
        model = EvidencePackage
        fields = [
            "id",
            "region",
            "edition",
            "year",
            "status",
            "progress",
            "files",
            "size",
            "requester",
            "requested_at",
            "finished_at",
            "download_url",
        ]

    def get_download_url(self, package) -> str | None:
        if not package.ready:
            return None
        url = reverse("evidence-package-download", kwargs={"pk": package.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class PackageRequestSerializer(serializers.Serializer):
    region = serializers.CharField(max_length=6, help_text="Region code, e.g. 320404.")
    edition = serializers.CharField(
        max_length=50, required=False, help_text="Edition code (default: the region's)."
    )
    year = serializers.IntegerField(
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        help_text="Assessment year (default: the region's, as the scorecard's).",
    )
