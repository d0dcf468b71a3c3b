"""API views of assessments: snapshot history and the explained scorecard."""

from __future__ import annotations

import zlib

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import HasRole, restrict
from accounts.models import ApiKey
from accounts.scope import scope_of
from assessments import selectors
from assessments.api.serializers import ScorecardSerializer, SnapshotSerializer
from assessments.choices import Mode
from assessments.filtersets import SnapshotFilter
from assessments.scorecard import scorecard_payload, tabular_rows
from indicators import selectors as indicator_selectors
from indicators.models import FrameworkEdition, Region
from indicators.models.values import YEAR_MAX, YEAR_MIN
from zhonglou.api.errors import LIST_ERRORS, READ_ERRORS, ErrorSerializer
from zhonglou.api.renderers import CSVRenderer, XLSXRenderer


class MayReadScores(permissions.BasePermission):
    """Clerks see their department's values only, so they do not read whole scorecards.
    (A permission, not a check in get_queryset, so that schema generation can still read the
    queryset and document the filters.)"""

    message = (
        "Scorecards are for reviewers, leaders and administrators; "
        "clerks read their department's values."
    )

    def has_permission(self, request, view) -> bool:
        return scope_of(request.user).reads_scores


SCORE_PERMISSIONS = [HasRole, MayReadScores]


@extend_schema_view(
    list=extend_schema(
        summary="Assessment snapshots (the history of verdicts)",
        responses={200: SnapshotSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One snapshot", responses={200: SnapshotSerializer, **READ_ERRORS}
    ),
)
class SnapshotViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SnapshotSerializer
    permission_classes = SCORE_PERMISSIONS
    filterset_class = SnapshotFilter
    ordering_fields = ["as_of", "year"]
    ordering = ["region__code", "edition__code", "-year", "mode", "-as_of"]

    def get_queryset(self):
        return restrict(selectors.snapshots_for_user(self.request.user), self.request)


class ScorecardQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    edition = serializers.CharField(required=False)
    mode = serializers.ChoiceField(choices=Mode.choices, default=Mode.OFFICIAL)


def scorecard_choice(request, code: str) -> tuple[Region, FrameworkEdition, int, str]:
    """The region (within the reader's and the key's scope, else 404), edition, year and mode
    a scorecard read asks for, with the region's defaults (400 on malformed parameters)."""
    regions = restrict(indicator_selectors.regions_for_user(request.user), request, field="pk")
    query = ScorecardQuery(data=request.query_params)
    region = get_object_or_404(regions.select_related("edition"), code=code)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    if params.get("edition"):
        edition = get_object_or_404(FrameworkEdition, code=params["edition"])
    else:
        edition = indicator_selectors.region_edition(region)
        if edition is None:
            raise exceptions.NotFound("No framework edition is in force.")
    year = params.get("year") or indicator_selectors.default_year(region)
    return region, edition, year, params["mode"]


class ScorecardView(APIView):
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    permission_classes = SCORE_PERMISSIONS

    @extend_schema(
        summary="A region's explained scorecard",
        description=(
            "The verdict (eligible / not_eligible / incomplete), binding and reference counts, "
            "veto events in the window, what is missing and who owes it, and one explained row "
            "per indicator, from the stored snapshot (computed for the response when it is missing "
            "or stale; a read never stores anything). Sends ETag and "
            "Last-Modified and answers conditional requests with 304. `?format=csv` or `xlsx` "
            "gives one row per indicator."
        ),
        parameters=[
            OpenApiParameter(
                "year",
                int,
                description="Last year of the data window (default: the region's assessment year, "
                "set by its reviewers, else the latest year with approved values).",
            ),
            OpenApiParameter(
                "edition", str, description="Edition code (default: the region's edition)."
            ),
            OpenApiParameter(
                "mode",
                str,
                enum=["official", "provisional"],
                description="official: approved values only.",
            ),
        ],
        responses={
            200: ScorecardSerializer,
            304: OpenApiResponse(description="Not modified since the ETag / date you sent."),
            **READ_ERRORS,
            400: OpenApiResponse(ErrorSerializer, description="Invalid query parameters."),
        },
    )
    def get(self, request, code: str):
        fmt = request.accepted_renderer.format
        if fmt in STORED_FORMATS:
            response = self._short(request, code)
            if response is not None:
                return response
        region, edition, year, mode = scorecard_choice(request, code)
        head = selectors.stored_head(region=region, edition=edition, year=year, mode=mode)
        if head is not None and fmt in STORED_FORMATS:
            return self._stored(request, head, region, edition, year, mode)
        card = selectors.scorecard(region=region, edition=edition, year=year, mode=mode)
        etag = _etag(card.input_hash, fmt)
        if self._not_modified(request, etag, card.as_of):
            response = Response(status=304)
        else:
            response = Response(self._content(card, fmt))
        return _validators(response, etag, card.as_of)

    def _short(self, request, code: str) -> HttpResponse | None:
        """The usual read — a region's own edition and default year, its snapshot stored and
        fresh, its bytes rendered before — in one query after the key's: a 304, or the stored
        bytes. None when anything else is asked or true; then the full path answers (and
        gives its errors)."""
        params = request.query_params
        mode = params.get("mode", Mode.OFFICIAL)
        if "year" in params or "edition" in params or mode not in Mode.values:
            return None
        key = request.auth if isinstance(request.auth, ApiKey) else None
        limited = key is not None and getattr(key, "limited", True) is not False
        found = selectors.default_head(code, mode, key_id=key.pk if limited else None)
        if (
            found is None
            or found.head is None
            or not found.key_allows
            or not scope_of(request.user).reads(found.region_id, found.parent_id)
        ):
            return None
        head = found.head
        etag = _etag(head.input_hash, request.accepted_renderer.format)
        if self._not_modified(request, etag, head.as_of):
            return _not_modified(etag, head.as_of)
        body = cache.get(_body_key(request, head, found.region_name, found.edition_name))
        return None if body is None else self._bytes(request, body, head)

    @staticmethod
    def _content(card, fmt: str):
        payload = scorecard_payload(card)
        if fmt in ("csv", "xlsx"):
            return tabular_rows(payload)
        return ScorecardSerializer(payload).data

    def _stored(self, request, head, region, edition, year: int, mode: str) -> HttpResponse:
        """A stored, fresh snapshot: 304, or the bytes rendered the first time it was read
        (kept in the cache under its ETag), without reading or serializing its result."""
        renderer = request.accepted_renderer
        etag = _etag(head.input_hash, renderer.format)
        if self._not_modified(request, etag, head.as_of):
            return _not_modified(etag, head.as_of)
        key = _body_key(request, head, region.name, edition.name)
        body = cache.get(key)
        if body is None:
            card = selectors.scorecard(region=region, edition=edition, year=year, mode=mode)
            body = renderer.render(
                self._content(card, renderer.format),
                request.accepted_media_type,
                self.get_renderer_context(),
            )
            cache.set(key, body, RENDERED_FOR)
        return self._bytes(request, body, head)

    @staticmethod
    def _bytes(request, body: bytes, head) -> HttpResponse:
        renderer = request.accepted_renderer
        content_type = renderer.media_type
        if renderer.charset:
            content_type = f"{content_type}; charset={renderer.charset}"
        etag = _etag(head.input_hash, renderer.format)
        return _validators(HttpResponse(body, content_type=content_type), etag, head.as_of)

    @staticmethod
    def _not_modified(request, etag: str, as_of) -> bool:
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            # Weak comparison (RFC 9110 §13.1.2): a proxy that compresses may send W/"…" back.
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return etag in tags or if_none_match.strip() == "*"
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        return since is not None and int(as_of.timestamp()) <= since


# Formats served from stored bytes (an XLSX file carries its creation time: rendered each time).
STORED_FORMATS = ("json", "csv")
# Bump when the body of a scorecard changes shape (fields added to the payload), so that bytes
# rendered by the previous code are not served again.
RENDERING = 1
RENDERED_FOR = 24 * 3600  # seconds; a new snapshot has another key anyway


def _etag(input_hash: str, fmt: str) -> str:
    # The input fingerprint names the content: equal inputs give an equal scorecard.
    return quote_etag(f"{input_hash[:32]}-{fmt}")


def _body_key(request, head, region_name: str, edition_name: str) -> str:
    """Where the rendered bytes of a stored snapshot are kept. Names are not in the
    fingerprint: a renamed region or edition is another body. The accepted media type too
    (``application/json; indent=4`` is another body)."""
    names = zlib.crc32(f"{region_name}|{edition_name}|{request.accepted_media_type}".encode())
    etag = _etag(head.input_hash, request.accepted_renderer.format)
    return f"scorecard:{RENDERING}:{head.pk}:{etag}:{names:x}"


def _not_modified(etag: str, as_of) -> HttpResponse:
    response = HttpResponse(status=304)
    del response["Content-Type"]  # as DRF sends an empty 304
    return _validators(response, etag, as_of)


def _validators(response, etag: str, as_of):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(as_of.timestamp())
    response["Cache-Control"] = "private, no-cache"
    return response
