"""API views of the catalogue and the values workflow: thin, calling selectors and services."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.api.permissions import key_regions, restrict
from indicators import selectors, services
from indicators.api import serializers as s
from indicators.filtersets import IndicatorFilter, ValueFilter
from indicators.models import (
    Criterion,
    DataElement,
    Domain,
    FrameworkEdition,
    Indicator,
    IndicatorValue,
    Responsibility,
    Task,
)
from indicators.views import evidence_file_response
from zhonglou.api.errors import (
    LIST_ERRORS,
    READ_ERRORS,
    UPLOAD_ERRORS,
    WRITE_ERRORS,
    error_response,
)
from zhonglou.api.renderers import CSVRenderer, XLSXRenderer
from zhonglou.uploads import body_too_large


def _indicators():
    return Indicator.objects.select_related(
        "edition", "task__domain", "parent", "data_element"
    ).prefetch_related(Prefetch("criteria", queryset=Criterion.objects.prefetch_related("rules")))


@extend_schema_view(
    list=extend_schema(
        summary="Framework editions", responses={200: s.FrameworkSerializer, **READ_ERRORS}
    ),
    retrieve=extend_schema(
        summary="One edition with its domains, tasks, indicators and criteria",
        responses={200: s.FrameworkDetailSerializer, **READ_ERRORS},
    ),
)
class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    lookup_value_regex = "[a-z0-9-]+"
    queryset = FrameworkEdition.objects.annotate(indicator_count=Count("indicators")).order_by(
        "code"
    )
    serializer_class = s.FrameworkSerializer
    filter_backends = []

    def get_serializer_class(self):
        return s.FrameworkDetailSerializer if self.action == "retrieve" else s.FrameworkSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            tasks = Task.objects.order_by("order")
            queryset = queryset.prefetch_related(
                Prefetch(
                    "domains",
                    queryset=Domain.objects.order_by("order").prefetch_related(
                        Prefetch("tasks", queryset=tasks)
                    ),
                )
            )
        return queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve" and self.kwargs.get("code"):
            by_task = defaultdict(list)
            for ind in _indicators().filter(edition__code=self.kwargs["code"]).order_by("order"):
                by_task[ind.task_id].append(ind)
            context["indicators_by_task"] = by_task
        return context


@extend_schema_view(
    list=extend_schema(summary="Indicators", responses={200: s.IndicatorSerializer, **LIST_ERRORS}),
    retrieve=extend_schema(
        summary="One indicator", responses={200: s.IndicatorSerializer, **READ_ERRORS}
    ),
)
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.IndicatorSerializer
    filterset_class = IndicatorFilter
    search_fields = ["code", "name", "name_en", "data_element__key"]
    ordering_fields = ["order", "code"]
    ordering = ["edition__code", "order"]

    def get_queryset(self):
        return _indicators()


@extend_schema_view(
    list=extend_schema(
        summary="Regions you may see", responses={200: s.RegionSerializer, **LIST_ERRORS}
    ),
    retrieve=extend_schema(
        summary="One region", responses={200: s.RegionSerializer, **READ_ERRORS}
    ),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.RegionSerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{6}"
    search_fields = ["code", "name", "name_en"]
    ordering = ["code"]

    def get_queryset(self):
        regions = selectors.regions_for_user(self.request.user).select_related("parent", "edition")
        return restrict(regions, self.request, field="pk")


@extend_schema_view(
    list=extend_schema(
        summary="Departments", responses={200: s.DepartmentSerializer, **LIST_ERRORS}
    ),
    retrieve=extend_schema(
        summary="One department", responses={200: s.DepartmentSerializer, **READ_ERRORS}
    ),
)
class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DepartmentSerializer
    filterset_fields = {"region__code": ["exact"], "code": ["exact"]}
    search_fields = ["code", "name"]
    ordering = ["region__code", "code"]

    def get_queryset(self):
        return restrict(selectors.departments_for_user(self.request.user), self.request)


@extend_schema_view(
    list=extend_schema(
        summary="Who supplies which data element",
        responses={200: s.ResponsibilitySerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One responsibility", responses={200: s.ResponsibilitySerializer, **READ_ERRORS}
    ),
)
class ResponsibilityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ResponsibilitySerializer
    filterset_fields = {
        "region__code": ["exact"],
        "department__code": ["exact"],
        "role": ["exact"],
        "data_element__key": ["exact"],
    }
    ordering = ["region__code", "data_element__key"]

    def get_queryset(self):
        regions = selectors.regions_for_user(self.request.user)
        queryset = Responsibility.objects.filter(region__in=regions).select_related(
            "region", "data_element", "department"
        )
        return restrict(queryset, self.request)


def _issue(index: int, field: str | None, message: str, code: str) -> dict:
    return {"index": index, "field": field, "message": str(message), "code": code}


def _batch_rows(raw_rows: list) -> tuple[list[services.EntryRow], list[dict]]:
    """The rows of a batch read one by one (types, lengths; data element keys looked up in
    one query), and the problems of those that could not be read."""
    problems, read = [], []
    for index, raw in enumerate(raw_rows):
        if not isinstance(raw, dict):
            problems.append(_issue(index, None, _("Each value must be an object."), "invalid"))
            continue
        form = s.BatchValueSerializer(data=raw)
        if not form.is_valid():
            problems += [
                _issue(index, None if name == "non_field_errors" else name, error, error.code)
                for name, errors in form.errors.items()
                for error in errors
            ]
            continue
        read.append((index, form.validated_data))
    keys = {data["data_element"] for _index, data in read}
    elements = {e.key: e for e in DataElement.objects.filter(key__in=keys)}
    rows = []
    for index, data in read:
        element = elements.get(data["data_element"])
        if element is None:
            problems.append(
                _issue(
                    index,
                    "data_element",
                    _("There is no data element “%(key)s”.") % {"key": data["data_element"]},
                    "does_not_exist",
                )
            )
            continue
        rows.append(
            services.EntryRow(
                row=index,
                data_element=element,
                year=data["year"],
                value=data.get("value"),
                answer=data.get("answer"),
                source=data.get("source") or None,
                note=data.get("note") or None,
                version=data.get("version"),
            )
        )
    return rows, problems


class ValueWithWarningsSerializer(s.ValueSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(s.ValueSerializer.Meta):
        fields = [*s.ValueSerializer.Meta.fields, "warnings"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Values you may see (JSON, or ?format=csv / xlsx for all matching rows)",
        responses={200: s.ValueSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="One value", responses={200: s.ValueSerializer, **READ_ERRORS}),
)
class ValueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ValueSerializer
    filterset_class = ValueFilter
    search_fields = ["data_element__name", "data_element__key", "source"]
    ordering_fields = ["year", "updated_at", "status", "data_element__key"]
    ordering = ["region__code", "data_element__key", "year"]
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        values = selectors.with_indicator_code(selectors.values_for_user(self.request.user))
        return restrict(values, self.request)

    def paginate_queryset(self, queryset):
        if getattr(
            self.request, "accepted_renderer", None
        ) and self.request.accepted_renderer.format in ("csv", "xlsx"):
            return None  # a spreadsheet holds every matching row
        return super().paginate_queryset(queryset)

    def _fresh(self, pk: int) -> IndicatorValue:
        return self.get_queryset().get(pk=pk)

    def _respond(self, value: IndicatorValue, warnings=(), status_code=status.HTTP_200_OK):
        data = ValueWithWarningsSerializer(
            self._fresh(value.pk), context=self.get_serializer_context()
        ).data
        data["warnings"] = list(warnings)
        return Response(data, status=status_code)

    @extend_schema(
        summary="Enter many values of one region, all or nothing (clerks of the lead department)",
        description=(
            "As DHIS2's dataValueSets: every row is checked by the rules of a single value "
            f"(at most {services.MAX_IMPORT_ROWS} rows); if any is refused nothing is written "
            "and the error's details list every problem as {index, field, message, code} "
            "(403 when a row is outside your rights, else 400). An existing value changes "
            "only with the version you read; rows equal to the stored value are unchanged. "
            "With dry_run the same report is returned and nothing is written."
        ),
        request=s.BatchSerializer,
        responses={200: s.BatchResultSerializer, **UPLOAD_ERRORS},
    )
    @action(
        detail=False,
        methods=["post"],
        renderer_classes=[JSONRenderer],
        parser_classes=[JSONParser],
        filter_backends=[],
        pagination_class=None,
    )
    def batch(self, request):
        if body_too_large(request, settings.UPLOAD_MAX_BYTES):
            # Refused before the body is read (and parsed into memory).
            return error_response(
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                "too_large",
                _("The request body is larger than %(mb)d MB; send the values in smaller batches.")
                % {"mb": settings.UPLOAD_MAX_BYTES // 2**20},
            )
        envelope = s.BatchEnvelopeSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        data = envelope.validated_data
        region = data["region"]
        limit = key_regions(request)
        if limit is not None and region.pk not in limit:
            raise PermissionDenied("This API key is limited to other regions.")
        rows, problems = _batch_rows(data["values"])
        try:
            report = services.values_import(
                request.user, region, rows, dry_run=data["dry_run"] or bool(problems)
            )
        except services.ImportRefused as refused:
            problems += [_issue(i.row, i.field, i.message, i.code) for i in refused.report.errors]
        if problems:
            problems.sort(key=lambda p: p["index"])
            denied = any(p["code"] == "permission" for p in problems)
            message = ngettext(
                "Nothing was written: %(n)d problem was found.",
                "Nothing was written: %(n)d problems were found.",
                len(problems),
            ) % {"n": len(problems)}
            return error_response(
                status.HTTP_403_FORBIDDEN if denied else status.HTTP_400_BAD_REQUEST,
                "permission_denied" if denied else "invalid",
                message,
                {"rows": problems},
            )
        return Response(
            {
                "dry_run": report.dry_run,
                "created": report.count("created"),
                "updated": report.count("updated"),
                "unchanged": report.count("unchanged"),
                "warnings": [_issue(w.row, w.field, w.message, w.code) for w in report.warnings],
                "rows": [
                    {
                        "index": o.row,
                        "data_element": o.data_element.key,
                        "year": o.year,
                        "action": o.action,
                        "id": o.value.pk if o.value is not None else None,
                        "version": o.value.version if o.value is not None else None,
                    }
                    for o in report.outcomes
                ],
            }
        )

    @extend_schema(
        summary="Create a draft value (clerks of the lead department); an existing one changes "
        "only with the version you read (else 409 with its id and current_version)",
        request=s.ValueWriteSerializer,
        responses={
            201: ValueWithWarningsSerializer,
            200: ValueWithWarningsSerializer,
            **WRITE_ERRORS,
        },
    )
    def create(self, request):
        form = s.ValueWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        limit = key_regions(request)
        if limit is not None and data["region"].pk not in limit:
            raise PermissionDenied("This API key is limited to other regions.")
        result = services.value_save(
            actor=request.user,
            region=data["region"],
            data_element=data["data_element"],
            year=data["year"],
            value=data.get("value"),
            answer=data.get("answer"),
            source=data.get("source", ""),
            note=data.get("note", ""),
            expected_version=data.get("version"),
        )
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return self._respond(result.value, result.warnings, code)

    @extend_schema(
        summary="Update a draft or returned value (send the version you read)",
        request=s.ValueUpdateSerializer,
        responses={200: ValueWithWarningsSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, pk=None):
        value = self.get_object()
        form = s.ValueUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        result = services.value_save(
            actor=request.user,
            region=value.region,
            data_element=value.data_element,
            year=value.year,
            value=data.get("value", value.value),
            answer=data["answer"] if "answer" in request.data else value.answer,
            source=data.get("source", value.source),
            note=data.get("note", value.note),
            expected_version=data["version"],
        )
        return self._respond(result.value, result.warnings)

    def _act(self, request, service, serializer_class, **extra):
        value = self.get_object()
        form = serializer_class(data=request.data)
        form.is_valid(raise_exception=True)
        kwargs = {
            "value": value,
            "actor": request.user,
            "expected_version": form.validated_data.get("version"),
        }
        if "reason" in form.validated_data:
            kwargs["reason"] = form.validated_data["reason"]
        return self._respond(service(**kwargs))

    @extend_schema(
        summary="Submit for review",
        request=s.ActionSerializer,
        responses={200: ValueWithWarningsSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(request, services.value_submit, s.ActionSerializer)

    @extend_schema(
        summary="Approve (reviewers)",
        request=s.ActionSerializer,
        responses={200: ValueWithWarningsSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(request, services.value_approve, s.ActionSerializer)

    @extend_schema(
        summary="Return with a reason (reviewers)",
        request=s.ReasonActionSerializer,
        responses={200: ValueWithWarningsSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._act(request, services.value_return, s.ReasonActionSerializer)

    @extend_schema(
        summary="Reopen an approved value with a reason (reviewers)",
        request=s.ReasonActionSerializer,
        responses={200: ValueWithWarningsSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(request, services.value_reopen, s.ReasonActionSerializer)

    @extend_schema(
        summary="The value's full history",
        responses={200: s.HistoryEntrySerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer], filter_backends=[])
    def history(self, request, pk=None):
        value = self.get_object()
        entries = value.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(s.HistoryEntrySerializer(page, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="Evidence files of a value",
        responses={200: s.EvidenceSerializer(many=True), **READ_ERRORS},
    )  # paginated like every list
    @extend_schema(
        methods=["POST"],
        summary="Attach an evidence file (multipart)",
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={201: s.EvidenceSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        renderer_classes=[JSONRenderer],
        filter_backends=[],
    )
    def evidence(self, request, pk=None):
        value = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            page = self.paginate_queryset(value.evidence.order_by("uploaded_at", "pk"))
            return self.get_paginated_response(
                s.EvidenceSerializer(page, many=True, context=context).data
            )
        form = s.EvidenceUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        evidence = services.evidence_add(
            value=value,
            actor=request.user,
            upload=data["file"],
            title=data.get("title", ""),
            official_source=data.get("official_source", ""),
        )
        return Response(
            s.EvidenceSerializer(evidence, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Download an evidence file",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The file."),
            **READ_ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>\d+)/download",
        filter_backends=[],
    )
    def evidence_download(self, request, pk=None, evidence_id=None):
        value = self.get_object()
        evidence = value.evidence.filter(pk=evidence_id).first()
        if evidence is None:
            raise Http404
        return evidence_file_response(evidence)
