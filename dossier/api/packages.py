"""/api/v1/evidence-packages/: ask for a region's evidence package, follow its build, fetch
the ZIP. Read and asked for like the dossier's pages (the region's reviewers, leaders and
administrators; a city's for its districts); an API key's region limit applies, and asking
needs a key that may write."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.permissions import restrict
from assessments.api.views import SCORE_PERMISSIONS
from dossier import reports, selectors, services
from dossier.api.serializers import PackageRequestSerializer, PackageSerializer
from dossier.filtersets import PackageFilter
from dossier.views import package_file_response
from indicators import selectors as indicator_selectors
from zhonglou.api.errors import ERRORS, LIST_ERRORS, READ_ERRORS, Conflict, ErrorSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Evidence packages you may follow (newest first)",
        responses={200: PackageSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One evidence package: its build's status and progress",
        responses={200: PackageSerializer, **READ_ERRORS},
    ),
)
class PackageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PackageSerializer
    permission_classes = SCORE_PERMISSIONS
    filterset_class = PackageFilter
    ordering_fields = ["requested_at", "year"]
    ordering = ["-requested_at", "-id"]

    def get_queryset(self):
        return restrict(selectors.packages_for_user(self.request.user), self.request)

    @extend_schema(
        summary="Ask for a region's evidence package (built in the background)",
        description=(
            "A ZIP of the evidence of every approved value in the assessment year's window, with "
            "its manifest and the indicator table. Answers 202 at once with the package; follow "
            "it at its URL (`Location`) until `status` is `ready` (then `download_url`) or "
            "`failed`. Edition and year default to the region's, as for the scorecard."
        ),
        request=PackageRequestSerializer,
        responses={
            202: PackageSerializer,
            **ERRORS,
            409: OpenApiResponse(
                ErrorSerializer,
                description="The same package is being built already (its id in details).",
            ),
        },
    )
    def create(self, request):
        data = PackageRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        regions = restrict(indicator_selectors.regions_for_user(request.user), request, field="pk")
        region = get_object_or_404(regions.select_related("edition"), code=d["region"])
        # The same defaults as the dossier's page: the region's edition and assessment year.
        choice = reports.choose(region, d.get("edition"), d.get("year"), None)
        package = services.package_request(
            actor=request.user, region=region, edition=choice.edition, year=choice.year
        )
        package = self.get_queryset().get(pk=package.pk)
        body = self.get_serializer(package).data
        location = request.build_absolute_uri(f"{request.path}{package.pk}/")
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(
        summary="Download a ready evidence package (ZIP)",
        responses={
            (200, "application/zip"): OpenApiResponse(description="The package."),
            **READ_ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="The package is not ready."),
        },
    )
    @action(detail=True, methods=["get"], url_path="download", filter_backends=[])
    def download(self, request, pk=None):
        package = self.get_object()
        if not package.ready:
            raise Conflict(f"The package is {package.status}, not ready to download.")
        return package_file_response(package)
