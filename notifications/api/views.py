"""API for consumers' webhooks: register one for a region's events (verdict changes, approved
values), list and remove them, and read their deliveries with their status."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.permissions import HasRole, key_regions, restrict
from indicators import selectors as indicator_selectors
from notifications import selectors, services
from notifications.api.serializers import (
    DeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
)
from notifications.choices import EndpointKind
from zhonglou.api.errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS


@extend_schema_view(
    list=extend_schema(
        summary="Your webhooks", responses={200: WebhookEndpointSerializer, **LIST_ERRORS}
    ),
    retrieve=extend_schema(
        summary="One webhook", responses={200: WebhookEndpointSerializer, **READ_ERRORS}
    ),
    create=extend_schema(
        summary="Register a webhook for a region's events",
        description=(
            "Each event is POSTed as JSON to the URL, signed: the header "
            "`X-Zhonglou-Signature` is `sha256=` and the hex HMAC-SHA256 of the body with "
            "the secret. A failed post is retried with back-off."
        ),
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointCreatedSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(summary="Remove a webhook", responses={204: None, **WRITE_ERRORS}),
    deliveries=extend_schema(
        summary="The webhook's deliveries, newest first",
        responses={200: DeliverySerializer(many=True), **LIST_ERRORS},
    ),
)
class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = WebhookEndpointSerializer
    permission_classes = [HasRole]
    filter_backends = []

    def get_queryset(self):
        endpoints = selectors.endpoints_for_user(self.request.user).filter(
            kind=EndpointKind.CONSUMER
        )
        return restrict(endpoints, self.request).order_by("pk")

    def create(self, request, *args, **kwargs):
        data = WebhookEndpointCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        regions = indicator_selectors.regions_for_user(request.user)
        limit = key_regions(request)
        if limit is not None:
            regions = regions.filter(pk__in=limit)
        region = get_object_or_404(regions, code=values["region"])
        endpoint = services.webhook_endpoint_create(
            actor=request.user,
            region=region,
            name=values["name"],
            url=values["url"],
            events=values["events"],
            secret=values.get("secret", ""),
        )
        return Response(
            WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    def perform_destroy(self, instance):
        services.webhook_endpoint_delete(actor=self.request.user, endpoint=instance)

    @action(detail=True, methods=["get"], serializer_class=DeliverySerializer)
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        if not services.may_manage_endpoint(request.user, endpoint):
            raise PermissionDenied
        page = self.paginate_queryset(endpoint.deliveries.order_by("-created_at", "-pk"))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
