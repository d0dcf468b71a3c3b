"""Serializers of assessment snapshots and scorecards."""

from __future__ import annotations

from rest_framework import serializers

from assessments.choices import Progress
from assessments.models import AssessmentSnapshot


class SnapshotSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    edition = serializers.CharField(source="edition.code")
    current = serializers.BooleanField(source="is_current")

    class Meta:
        model = AssessmentSnapshot
        fields = [
            "id",
            "region",
            "edition",
            "year",
            "mode",
            "as_of",
            "input_hash",
            "verdict",
            "binding_met",
            "binding_applicable",
            "reference_met",
            "reference_applicable",
            "reference_ratio",
            "current",
            "stale",
            "change_note",
        ]


class CountSerializer(serializers.Serializer):
    met = serializers.IntegerField()
    applicable = serializers.IntegerField()


class ReferenceCountSerializer(CountSerializer):
    ratio = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    required = serializers.DecimalField(max_digits=4, decimal_places=3)


class VetoSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField()
    description = serializers.CharField()


class MissingPieceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The (sub-)indicator that needs it.")
    lacking = serializers.ChoiceField(choices=["value", "assigned_target", "region_attribute"])
    years = serializers.ListField(child=serializers.IntegerField())
    value_status = serializers.CharField(
        allow_null=True,
        help_text="Where an uncounted value is: draft or returned (with its department), "
        "submitted (with the reviewers); null when nothing was entered.",
    )
    attribute = serializers.CharField(
        allow_null=True, help_text="The region attribute not set (terrain, eco_zone…)."
    )
    owner = serializers.ChoiceField(
        choices=["department", "reviewers", "creation_office", "administrator"]
    )
    owner_names = serializers.ListField(child=serializers.CharField())
    owner_names_en = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField()
    text_en = serializers.CharField()


class MissingSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    status = serializers.CharField()
    years = serializers.ListField(child=serializers.IntegerField())
    departments = serializers.ListField(
        child=serializers.CharField(), help_text="The lead departments that owe values."
    )
    departments_en = serializers.ListField(child=serializers.CharField())
    owners = serializers.ListField(
        child=serializers.CharField(), help_text="Everyone who owes a piece, by name."
    )
    owners_en = serializers.ListField(child=serializers.CharField())
    pieces = MissingPieceSerializer(many=True)


class ProjectionThresholdsSerializer(serializers.Serializer):
    on_track = serializers.DecimalField(max_digits=8, decimal_places=6)
    acceleration_needed = serializers.DecimalField(max_digits=8, decimal_places=6)
    limited_progress = serializers.DecimalField(max_digits=8, decimal_places=6)


class ProjectedValueSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=24, decimal_places=4)


class ProjectionSerializer(serializers.Serializer):
    """Statistics Canada's progress measure as Open SDG implements it: the ratio R of the
    observed compound annual growth (or, near zero, linear slope) to the one needed to reach
    the threshold by the target year (the application year)."""

    status = serializers.ChoiceField(choices=Progress.choices)
    method = serializers.ChoiceField(choices=["cagr", "linear"], allow_null=True)
    operator = serializers.CharField(allow_null=True)
    target = serializers.DecimalField(max_digits=24, decimal_places=6, allow_null=True)
    target_year = serializers.IntegerField(allow_null=True)
    direction = serializers.IntegerField(
        allow_null=True, help_text="+1: the value should rise to the target; -1: fall to it."
    )
    years = serializers.ListField(child=serializers.IntegerField())
    base_year = serializers.IntegerField(allow_null=True)
    base_value = serializers.DecimalField(max_digits=24, decimal_places=6, allow_null=True)
    latest_year = serializers.IntegerField(allow_null=True)
    latest_value = serializers.DecimalField(max_digits=24, decimal_places=6, allow_null=True)
    observed_rate = serializers.DecimalField(max_digits=24, decimal_places=6, allow_null=True)
    required_rate = serializers.DecimalField(max_digits=24, decimal_places=6, allow_null=True)
    ratio = serializers.DecimalField(max_digits=24, decimal_places=6, allow_null=True)
    thresholds = ProjectionThresholdsSerializer()
    projected = ProjectedValueSerializer(many=True)


class ScoredIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    name_en = serializers.CharField()
    type = serializers.CharField(help_text="binding or reference")
    unit = serializers.CharField()
    value = serializers.JSONField(
        help_text="The assessment year's counted value (number as string, or yes/no)."
    )
    value_text = serializers.CharField()
    years_used = serializers.ListField(child=serializers.IntegerField())
    target_text = serializers.CharField()
    target_text_en = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["met", "not_met", "missing", "pending", "not_applicable"]
    )
    gap = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    gap_text = serializers.CharField()
    gap_text_en = serializers.CharField()
    explanation = serializers.CharField()
    explanation_en = serializers.CharField()
    source = serializers.ListField(child=serializers.CharField())
    departments = serializers.ListField(child=serializers.CharField())
    missing = MissingPieceSerializer(many=True)
    projection = ProjectionSerializer(allow_null=True)


class NamedSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ScorecardSerializer(serializers.Serializer):
    region = NamedSerializer()
    edition = NamedSerializer()
    year = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=["official", "provisional"])
    window = serializers.ListField(child=serializers.IntegerField())
    as_of = serializers.DateTimeField()
    input_hash = serializers.CharField()
    stale = serializers.BooleanField()
    verdict = serializers.ChoiceField(choices=["eligible", "not_eligible", "incomplete"])
    summary = serializers.CharField()
    summary_en = serializers.CharField()
    binding = CountSerializer()
    reference = ReferenceCountSerializer()
    veto_events = VetoSerializer(many=True)
    missing = MissingSerializer(many=True)
    indicators = ScoredIndicatorSerializer(many=True)
