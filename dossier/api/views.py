"""The dossier's reports through the API: ``/api/v1/regions/{code}/reports/indicator-table/``
and ``…/appendix/`` with ``?format=docx|xlsx|pdf``, scoped like the scorecard (reviewers,
leaders and administrators of the region; an API key's region limit applies)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.api.views import SCORE_PERMISSIONS, scorecard_choice
from dossier import reports
from dossier.table import indicator_table
from zhonglou.api.errors import READ_ERRORS, ErrorSerializer


class _FileRenderer(BaseRenderer):
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class DocxRenderer(_FileRenderer):
    media_type = reports.DOCX
    format = "docx"


class XlsxFileRenderer(_FileRenderer):
    media_type = reports.XLSX
    format = "xlsx"


class PdfRenderer(_FileRenderer):
    media_type = reports.PDF
    format = "pdf"


KINDS = {"indicator-table": "table", "appendix": "appendix"}


class ReportView(APIView):
    renderer_classes = [DocxRenderer, XlsxFileRenderer, PdfRenderer]
    permission_classes = SCORE_PERMISSIONS

    @extend_schema(
        summary="A region's dossier report (indicator table or data appendix) as a file",
        description=(
            "`indicator-table`: the indicator table (指标完成情况一览表) read from the scorecard, "
            "as `format=docx` (default), `xlsx` or `pdf`. `appendix`: the report's data "
            "appendix, one sentence per indicator by domain, as `format=docx`. Same scope and "
            "parameters as the scorecard."
        ),
        parameters=[
            OpenApiParameter("year", int, description="Assessment year (default as scorecard)."),
            OpenApiParameter("edition", str, description="Edition code."),
            OpenApiParameter("mode", str, enum=["official", "provisional"]),
            OpenApiParameter("format", str, enum=["docx", "xlsx", "pdf"]),
        ],
        responses={
            (200, reports.DOCX): OpenApiTypes.BINARY,
            (200, reports.XLSX): OpenApiTypes.BINARY,
            (200, reports.PDF): OpenApiTypes.BINARY,
            # Errors are the API's JSON body, whatever file format was asked for.
            **{(status, "application/json"): body for status, body in READ_ERRORS.items()},
            (400, "application/json"): OpenApiResponse(
                ErrorSerializer, description="Invalid query parameters."
            ),
        },
    )
    def get(self, request, code: str, kind: str):
        region, edition, year, mode = scorecard_choice(request, code)
        fmt = request.accepted_renderer.format
        report = KINDS[kind]
        if (report, fmt) not in reports.WRITERS:
            formats = ", ".join(reports.formats_of(report))
            raise exceptions.ValidationError(
                {"format": [f"The {kind} is available as: {formats}."]}
            )
        table = indicator_table(region=region, edition=edition, year=year, mode=mode)
        response = Response(reports.WRITERS[(report, fmt)](table))
        response["Content-Disposition"] = (
            f'attachment; filename="{reports.filename(table, report, fmt)}"'
        )
        response["Cache-Control"] = "private, no-cache"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        """Errors keep the API's one JSON body, whatever file format was asked for."""
        if response.status_code >= 400 and not isinstance(response.data, bytes):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
