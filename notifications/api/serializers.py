from __future__ import annotations

from rest_framework import serializers

from notifications.choices import Event
from notifications.models import Delivery, WebhookEndpoint


class WebhookEndpointSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    department = serializers.CharField(
        source="department.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "name", "kind", "url", "region", "department", "events", "active"]
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """As a webhook, with its secret: shown once, when it is registered."""

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    url = serializers.URLField(max_length=500)
    region = serializers.RegexField(r"^\d{6}$", help_text="The region's six-digit code.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), min_length=1, max_length=10
    )
    secret = serializers.CharField(
        min_length=16,
        max_length=100,
        required=False,
        help_text="Leave out to have one generated (returned once, in this response).",
    )


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "status",
            "attempts",
            "next_try_at",
            "last_error",
            "created_at",
            "sent_at",
            "payload",
        ]
        read_only_fields = fields
