"""/api/v1/actions/: corrective actions, read per scope, written through actions.services."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action as route
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.api.permissions import restrict
from actions import selectors, services
from actions.api import serializers as s
from actions.filtersets import ActionFilter
from indicators import selectors as indicator_selectors
from indicators.models import Department, FrameworkEdition, Indicator
from zhonglou.api.errors import ERRORS, LIST_ERRORS, READ_ERRORS, ErrorSerializer

WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(
        ErrorSerializer,
        description="The indicator already has a corrective action that is not verified "
        "(its id in details).",
    ),
}


def _department(region, code: str, field: str) -> Department:
    found = Department.objects.filter(region=region, code=code).first()
    if found is None:
        raise exceptions.ValidationError({field: f"No department {code[:40]!r} in this region."})
    return found


@extend_schema_view(
    list=extend_schema(
        summary="Corrective actions (整改任务) you may read",
        responses={200: s.ActionSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One corrective action with its milestones and progress notes",
        responses={200: s.ActionDetailSerializer, **READ_ERRORS},
    ),
)
class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = ActionFilter
    search_fields = ["description", "indicator__code"]
    ordering_fields = ["due_date", "created_at", "status"]
    ordering = ["due_date", "id"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        actions = selectors.actions_for_user(self.request.user)
        if self.action != "list":
            actions = actions.prefetch_related("milestones", "notes__author")
        return restrict(actions, self.request)

    def get_serializer_class(self):
        return s.ActionSerializer if self.action == "list" else s.ActionDetailSerializer

    def _respond(self, pk: int, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().prefetch_related("milestones", "notes__author").get(pk=pk)
        return Response(
            s.ActionDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(
        summary="Create a corrective action on a gap (reviewers of the region)",
        request=s.ActionCreateSerializer,
        responses={201: s.ActionDetailSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        data = s.ActionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        region = get_object_or_404(
            restrict(indicator_selectors.regions_for_user(request.user), request, field="pk"),
            code=d["region"],
        )
        edition = get_object_or_404(FrameworkEdition, code=d["edition"])
        indicator = get_object_or_404(Indicator, edition=edition, code=d["indicator"])
        with transaction.atomic():
            created = services.action_create(
                actor=request.user,
                region=region,
                edition=edition,
                indicator=indicator,
                year=d["year"],
                description=d["description"],
                lead_department=_department(region, d["lead_department"], "lead_department"),
                supporting_departments=[
                    _department(region, code, "supporting_departments")
                    for code in d["supporting_departments"]
                ],
                due_date=d["due_date"],
                milestones=[(m["title"], m["due_date"]) for m in d["milestones"]],
            )
        return self._respond(created.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an action: reviewers its description, departments and due date; the "
        "lead department its status (open, in_progress, done)",
        request=s.ActionUpdateSerializer,
        responses={200: s.ActionDetailSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, pk=None):
        current = self.get_object()
        data = s.ActionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        details = {k: v for k, v in d.items() if k != "status"}
        with transaction.atomic():
            if details:
                services.action_edit(
                    actor=request.user,
                    action=current,
                    description=details.get("description"),
                    lead_department=_department(
                        current.region, details["lead_department"], "lead_department"
                    )
                    if "lead_department" in details
                    else None,
                    supporting_departments=[
                        _department(current.region, code, "supporting_departments")
                        for code in details["supporting_departments"]
                    ]
                    if "supporting_departments" in details
                    else None,
                    due_date=details.get("due_date"),
                )
            if "status" in d:
                services.action_transition(actor=request.user, action=current, status=d["status"])
        return self._respond(current.pk)

    @extend_schema(
        summary="Verify the closure of a done action (reviewers; a reason unless the "
        "indicator is met)",
        request=s.VerifySerializer,
        responses={200: s.ActionDetailSerializer, **WRITE_ERRORS},
    )
    @route(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        current = self.get_object()
        data = s.VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.action_verify(
            actor=request.user, action=current, reason=data.validated_data.get("reason", "")
        )
        return self._respond(current.pk)

    @extend_schema(
        summary="Add a progress note, optionally with an evidence file (the lead department "
        "or a reviewer)",
        request=s.NoteInputSerializer,
        responses={201: s.ActionDetailSerializer, **WRITE_ERRORS},
    )
    @route(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        current = self.get_object()
        data = s.NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.note_add(
            actor=request.user,
            action=current,
            text=data.validated_data["text"],
            evidence=data.validated_data.get("evidence"),
        )
        return self._respond(current.pk, status.HTTP_201_CREATED)
