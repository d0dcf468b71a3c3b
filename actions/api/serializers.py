"""Serializers of corrective actions."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from actions.choices import ActionStatus
from actions.models import CorrectiveAction, Milestone, ProgressNote
from indicators.models.values import TEXT_MAX_CHARS, TITLE_MAX_CHARS


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_date", "done"]


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None)
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressNote
        fields = ["id", "text", "author", "created_at", "evidence_name", "evidence_url"]

    def get_evidence_url(self, note) -> str | None:
        return note.evidence.url if note.evidence else None


class ActionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    edition = serializers.CharField(source="edition.code")
    indicator = serializers.CharField(source="indicator.code")
    lead_department = serializers.CharField(source="lead_department.code")
    supporting_departments = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "region",
            "edition",
            "indicator",
            "year",
            "gap_status",
            "description",
            "lead_department",
            "supporting_departments",
            "due_date",
            "status",
            "overdue",
            "closure_reason",
            "created_at",
            "updated_at",
            "verified_at",
        ]

    def get_supporting_departments(self, action) -> list[str]:
        return [d.code for d in action.supporting_departments.all()]

    def get_overdue(self, action) -> bool:
        return action.is_overdue(timezone.localdate())


class ActionDetailSerializer(ActionSerializer):
    milestones = MilestoneSerializer(many=True)
    notes = NoteSerializer(many=True)

    class Meta(ActionSerializer.Meta):
        fields = [*ActionSerializer.Meta.fields, "milestones", "notes"]


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_CHARS)
    due_date = serializers.DateField()


class ActionCreateSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="Region code.")
    edition = serializers.CharField(help_text="Edition code.")
    indicator = serializers.CharField(help_text="Indicator code of the gap.")
    year = serializers.IntegerField(help_text="The assessment year of the gap.")
    description = serializers.CharField(max_length=TEXT_MAX_CHARS)
    lead_department = serializers.CharField(help_text="Department code.")
    supporting_departments = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    due_date = serializers.DateField()
    milestones = MilestoneInputSerializer(many=True, required=False, default=list)


class ActionUpdateSerializer(serializers.Serializer):
    """Reviewers: description, departments, due date. The lead department: status (open,
    in_progress, done). Reviewers verify through verify/."""

    description = serializers.CharField(max_length=TEXT_MAX_CHARS, required=False)
    lead_department = serializers.CharField(required=False)
    supporting_departments = serializers.ListField(child=serializers.CharField(), required=False)
    due_date = serializers.DateField(required=False)
    status = serializers.ChoiceField(
        choices=ActionStatus.choices,
        required=False,
        help_text="open, in_progress or done (verified: through verify/).",
    )


class VerifySerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=TEXT_MAX_CHARS,
        required=False,
        allow_blank=True,
        help_text="Required when the indicator is not met.",
    )


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX_CHARS)
    evidence = serializers.FileField(required=False)
