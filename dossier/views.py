"""The dossier's pages: the reports of a region (indicator table, appendix) and its evidence
packages, with a progress bar that polls while a package builds (htmx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.scope import scope_of
from assessments import selectors as assessment_selectors
from assessments.choices import Verdict
from dossier import reports, selectors, services
from dossier.table import indicator_table
from indicators import selectors as indicator_selectors
from indicators.models import Region
from zhonglou.bilingual import localized
from zhonglou.errors import ConflictError


def _region(request, code: str) -> Region:
    """A region whose scores the user reads (404 otherwise: clerks and other districts)."""
    if not scope_of(request.user).reads_scores:
        raise Http404
    regions = indicator_selectors.regions_for_user(request.user).select_related("edition")
    return get_object_or_404(regions, code=code)


def _choice(request, region: Region) -> reports.Choice:
    data = request.GET if request.method == "GET" else request.POST
    return reports.choose(region, data.get("edition"), data.get("year"), data.get("mode"))


@login_required
@require_GET
def index(request, region: str):
    region_obj = _region(request, region)
    choice = _choice(request, region_obj)
    card = assessment_selectors.scorecard(
        region=region_obj, edition=choice.edition, year=choice.year, mode=choice.mode
    )
    packages = selectors.packages_for_user(request.user).filter(region=region_obj)[:10]
    context = {
        "region": region_obj,
        "choice": choice,
        "editions": reports.editions(),
        "scorecard": card,
        "result": card.result,
        "verdict_word": str(Verdict(card.result.verdict.value).label),
        "verdict_icon": card.result.verdict.icon,
        "region_name": localized(region_obj, "name"),
        "packages": packages,
    }
    return render(request, "dossier/index.html", context)


@login_required
@require_GET
def document(request, region: str, kind: str, fmt: str):
    region_obj = _region(request, region)
    if (kind, fmt) not in reports.WRITERS:
        raise Http404
    choice = _choice(request, region_obj)
    table = indicator_table(
        region=region_obj, edition=choice.edition, year=choice.year, mode=choice.mode
    )
    response = HttpResponse(
        reports.WRITERS[(kind, fmt)](table), content_type=reports.CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{reports.filename(table, kind, fmt)}"'
    return response


@login_required
@require_POST
def package_create(request, region: str):
    region_obj = _region(request, region)
    choice = _choice(request, region_obj)
    try:
        package = services.package_request(
            actor=request.user, region=region_obj, edition=choice.edition, year=choice.year
        )
    except ConflictError as exc:  # the same package is being built: follow that build
        return redirect("dossier:package", region=region_obj.code, pk=exc.params["id"])
    except (PermissionDenied, ValidationError):
        raise Http404 from None
    return redirect("dossier:package", region=region_obj.code, pk=package.pk)


def _package(request, region: str, pk: int):
    package = selectors.packages_for_user(request.user).filter(pk=pk, region__code=region).first()
    if package is None:
        raise Http404
    return package


@login_required
@require_GET
def package(request, region: str, pk: int):
    obj = _package(request, region, pk)
    context = {"package": obj, "region": obj.region, "region_name": localized(obj.region, "name")}
    return render(request, "dossier/package.html", context)


@login_required
@require_GET
def package_progress(request, region: str, pk: int):
    """The progress bar alone, which the page polls (htmx) until the build has finished."""
    obj = _package(request, region, pk)
    return render(request, "dossier/_progress.html", {"package": obj, "region": obj.region})


@login_required
@require_GET
def package_download(request, region: str, pk: int):
    obj = _package(request, region, pk)
    if not obj.ready:
        raise Http404
    return package_file_response(obj)


def package_file_response(obj) -> FileResponse:
    """A ready package's ZIP as a download (404 if its file is gone): the page's and the API's."""
    path = services.dossier_root() / obj.file_path
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = f"{obj.region.code}-{obj.edition.code}-{obj.year}-evidence.zip"
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
