"""Serializers of the catalogue and values API (explicit input and output shapes)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indicators.models import (
    Criterion,
    CriterionRule,
    DataElement,
    Department,
    Domain,
    Evidence,
    FrameworkEdition,
    Indicator,
    IndicatorValue,
    Region,
    Responsibility,
    Task,
)
from indicators.models.values import (
    SOURCE_MAX_CHARS,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    YEAR_MAX,
    YEAR_MIN,
)
from indicators.services import MAX_IMPORT_ROWS


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriterionRule
        fields = ["kind", "operator", "value", "span", "tolerance", "baseline_year"]


class CriterionSerializer(serializers.ModelSerializer):
    rules = RuleSerializer(many=True, read_only=True)
    applies_to = serializers.SerializerMethodField()

    class Meta:
        model = Criterion
        fields = ["target_text", "target_text_en", "applies_to", "rules"]

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_applies_to(self, obj) -> dict:
        return obj.region_class()


class DataElementSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataElement
        fields = [
            "key",
            "name",
            "name_en",
            "value_kind",
            "unit",
            "direction",
            "decimals",
            "plausible_min",
            "plausible_max",
            "plausibility_band",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    edition = serializers.SlugRelatedField(slug_field="code", read_only=True)
    domain = serializers.CharField(source="task.domain.name", read_only=True)
    task = serializers.CharField(source="task.code", read_only=True)
    parent = serializers.CharField(
        source="parent.code", read_only=True, allow_null=True, default=None
    )
    data_element = DataElementSerializer(read_only=True, allow_null=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    type = serializers.CharField(source="category", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "edition",
            "domain",
            "task",
            "code",
            "parent",
            "name",
            "name_en",
            "type",
            "scope",
            "confidence",
            "definition",
            "calculation_method",
            "data_source",
            "data_element",
            "formula",
            "base_year",
            "criteria",
        ]
        extra_kwargs = {
            "formula": {
                "help_text": "Computed indicators only: the formula over data element keys "
                "(base(key) reads the base year); data_element is then its first input."
            }
        }


class TaskSerializer(serializers.ModelSerializer):
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["code", "name", "name_en", "indicators"]

    @extend_schema_field(IndicatorSerializer(many=True))
    def get_indicators(self, obj) -> list:
        indicators = self.context["indicators_by_task"].get(obj.pk, [])
        return IndicatorSerializer(indicators, many=True, context=self.context).data


class DomainSerializer(serializers.ModelSerializer):
    tasks = TaskSerializer(many=True, read_only=True)

    class Meta:
        model = Domain
        fields = ["code", "name", "name_en", "tasks"]


class PassRuleSerializer(serializers.Serializer):
    window_years = serializers.IntegerField()
    all_binding_required = serializers.BooleanField()
    reference_ratio_required = serializers.DecimalField(max_digits=4, decimal_places=3)
    veto_in_window = serializers.BooleanField()


class FrameworkSerializer(serializers.ModelSerializer):
    pass_rule = serializers.SerializerMethodField()
    indicator_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = FrameworkEdition
        fields = [
            "code",
            "name",
            "name_en",
            "issuing_document",
            "year",
            "status",
            "reconstruction",
            "note",
            "pass_rule",
            "indicator_count",
            "loaded_at",
        ]

    @extend_schema_field(PassRuleSerializer)
    def get_pass_rule(self, obj) -> dict:
        return {
            "window_years": obj.window_years,
            "all_binding_required": obj.all_binding_required,
            "reference_ratio_required": str(obj.reference_ratio_required),
            "veto_in_window": obj.veto_in_window,
        }


class FrameworkDetailSerializer(FrameworkSerializer):
    domains = DomainSerializer(many=True, read_only=True)

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "domains"]


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(
        source="parent.code", read_only=True, allow_null=True, default=None
    )
    edition = serializers.CharField(
        source="edition.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "name_en",
            "level",
            "parent",
            "terrain",
            "eco_zone",
            "city_size",
            "coastal",
            "edition",
            "synthetic",
        ]


class DepartmentSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "region", "code", "name", "name_en", "email"]


class ResponsibilitySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    data_element = serializers.CharField(source="data_element.key", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    due = serializers.SerializerMethodField()

    class Meta:
        model = Responsibility
        fields = ["id", "region", "data_element", "department", "department_name", "role", "due"]

    def get_due(self, obj) -> str:
        return f"{obj.due_month:02d}-{obj.due_day:02d}"


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "title",
            "official_source",
            "original_name",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, obj) -> str:
        # The API's own download (authenticated like every API call, e.g. by key), not the
        # browser's session-only /evidence/<token>/ link.
        request = self.context.get("request")
        url = reverse("value-evidence-download", kwargs={"pk": obj.value_id, "evidence_id": obj.pk})
        return request.build_absolute_uri(url) if request else url


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=TITLE_MAX_CHARS, required=False, allow_blank=True)
    official_source = serializers.CharField(
        max_length=SOURCE_MAX_CHARS, required=False, allow_blank=True
    )


class ValueSerializer(serializers.ModelSerializer):
    """A value as consumers read it."""

    region = serializers.CharField(source="region.code", read_only=True)
    data_element = serializers.CharField(source="data_element.key", read_only=True)
    indicator_code = serializers.CharField(read_only=True, allow_null=True, default=None)
    name = serializers.CharField(source="data_element.name", read_only=True)
    unit = serializers.CharField(source="data_element.unit", read_only=True)
    entered_by = serializers.CharField(
        source="entered_by.username", read_only=True, allow_null=True, default=None
    )
    submitted_by = serializers.CharField(
        source="submitted_by.username", read_only=True, allow_null=True, default=None
    )
    reviewed_by = serializers.CharField(
        source="reviewed_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "region",
            "data_element",
            "indicator_code",
            "name",
            "year",
            "value",
            "answer",
            "unit",
            "status",
            "source",
            "note",
            "version",
            "entered_by",
            "entered_at",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "return_reason",
            "updated_at",
        ]
        read_only_fields = fields


class LookupField(serializers.SlugRelatedField):
    """A slug looked up in the database: text with a NUL character (which PostgreSQL cannot
    compare) is invalid input, not a server error."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class ValueWriteSerializer(serializers.Serializer):
    """What a clerk sends to create or update a draft. ``version`` is required on update:
    the value's version when it was read (a stale one answers 409)."""

    region = LookupField(slug_field="code", queryset=Region.objects.all())
    data_element = LookupField(slug_field="key", queryset=DataElement.objects.all())
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)
    value = serializers.DecimalField(
        max_digits=16, decimal_places=4, required=False, allow_null=True, coerce_to_string=True
    )
    answer = serializers.BooleanField(required=False, allow_null=True, default=None)
    source = serializers.CharField(
        max_length=SOURCE_MAX_CHARS, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(
        max_length=TEXT_MAX_CHARS, required=False, allow_blank=True, default=""
    )
    version = serializers.IntegerField(required=False, min_value=1)


class ValueUpdateSerializer(serializers.Serializer):
    value = serializers.DecimalField(
        max_digits=16, decimal_places=4, required=False, allow_null=True, coerce_to_string=True
    )
    answer = serializers.BooleanField(required=False, allow_null=True, default=None)
    source = serializers.CharField(max_length=SOURCE_MAX_CHARS, required=False, allow_blank=True)
    note = serializers.CharField(max_length=TEXT_MAX_CHARS, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, help_text=_("The version you read."))


class BatchValueSerializer(serializers.Serializer):
    """One value of a batch: a number (``value``) or a yes/no ``answer``. ``version`` is the
    version you read when the value exists (without it an existing value is refused); an empty
    or missing source or note keeps the stored one."""

    data_element = serializers.CharField(max_length=100, help_text=_("The data element's key."))
    year = serializers.IntegerField()
    value = serializers.DecimalField(
        max_digits=16, decimal_places=4, required=False, allow_null=True, coerce_to_string=True
    )
    answer = serializers.BooleanField(required=False, allow_null=True, default=None)
    source = serializers.CharField(
        max_length=SOURCE_MAX_CHARS, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(
        max_length=TEXT_MAX_CHARS, required=False, allow_blank=True, default=""
    )
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class BatchSerializer(serializers.Serializer):
    """A batch of values of one region, written all or nothing (as DHIS2's dataValueSets)."""

    region = LookupField(slug_field="code", queryset=Region.objects.all())
    dry_run = serializers.BooleanField(
        default=False, help_text=_("Check and report only; nothing is written.")
    )
    values = BatchValueSerializer(many=True, max_length=MAX_IMPORT_ROWS, allow_empty=False)


class BatchEnvelopeSerializer(BatchSerializer):
    """``BatchSerializer`` as read: the rows are checked one by one (so that every problem is
    reported with its row), not by the list field."""

    values = serializers.ListField(max_length=MAX_IMPORT_ROWS, allow_empty=False)


class BatchRowSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("The row's position in ``values``, from 0."))
    data_element = serializers.CharField()
    year = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    id = serializers.IntegerField(allow_null=True, help_text=_("None for a dry run's new value."))
    version = serializers.IntegerField()


class BatchIssueSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    code = serializers.CharField()


class BatchResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    warnings = BatchIssueSerializer(many=True)
    rows = BatchRowSerializer(many=True)


class ActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)


class ReasonActionSerializer(ActionSerializer):
    reason = serializers.CharField(max_length=TEXT_MAX_CHARS)


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_type = serializers.CharField()
    change_reason = serializers.CharField(source="history_change_reason", allow_null=True)
    user = serializers.CharField(source="history_user.username", default=None, allow_null=True)
    status = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    answer = serializers.BooleanField(allow_null=True)
    version = serializers.IntegerField()
    return_reason = serializers.CharField()
