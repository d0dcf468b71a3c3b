"""The review queue (审核): every submitted value of a region with what a reviewer needs to
decide on it (target, earlier years, plausibility, evidence in place, comments), approved or
returned per row or in bulk through the value services. Rows and the list update in place
with htmx; without it every form still works as a plain POST and redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.scope import scope_of
from dashboard import review_selectors as queue
from indicators import selectors as indicator_selectors
from indicators import services
from indicators.models import Domain, IndicatorValue, Region
from zhonglou.errors import ConflictError


def _reviewed_region(request, code: str) -> Region:
    """The region if the user reviews it: 404 outside their scope, 403 for its readers who do
    not review (clerks, leaders)."""
    regions = indicator_selectors.regions_for_user(request.user).select_related("edition")
    region = get_object_or_404(regions, code=code)
    if not scope_of(request.user).reviews_region(region.pk):
        raise PermissionDenied
    return region


def _options(region: Region) -> dict:
    edition = indicator_selectors.region_edition(region)
    domains = list(Domain.objects.filter(edition=edition).order_by("order")) if edition else []
    return {"departments": list(region.departments.order_by("code")), "domains": domains}


def _queue_context(request, region: Region) -> dict:
    options = _options(region)
    filters = queue.QueueFilters.from_query(request.GET, **options)
    submitted = queue.queue_values(request.user, region)
    rows = queue.queue_rows(request.user, region, queue.filter_queue(submitted, region, filters))
    years = sorted(set(submitted.values_list("year", flat=True).order_by()), reverse=True)
    return {
        "region": region,
        "rows": rows,
        "filters": filters,
        "years": years,
        "decidable": sum(1 for r in rows if r.actions),
        **options,
    }


@login_required
@require_GET
def review_queue(request, region: str):
    region_obj = _reviewed_region(request, region)
    context = _queue_context(request, region_obj)
    if request.htmx and request.htmx.target == "review-list":
        return render(request, "dashboard/_review_list.html", context)
    return render(request, "dashboard/review.html", context)


def _queue_url(region: Region, request) -> str:
    url = reverse("dashboard:review", kwargs={"region": region.code})
    query = request.POST.get("filters", "")
    return f"{url}?{query}" if query else url


def _version(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc) or _("You may not do this.")]


def _row_response(request, region: Region, pk: int, error: list[str] | None = None, done=""):
    """The row of value ``pk`` as it stands now (htmx), or back to the queue."""
    if not request.htmx:
        for text in error or []:
            messages.error(request, text)
        if done:
            messages.success(request, done)
        return redirect(_queue_url(region, request))
    values = queue.reviewed_values(request.user, region).filter(pk=pk)
    rows = queue.queue_rows(request.user, region, values)
    return render(
        request,
        "dashboard/_review_row.html",
        {"row": rows[0] if rows else None, "region": region, "error": error, "done": done},
    )


@login_required
@require_POST
def review_decide(request, region: str, pk: int):
    """Approve or return (with a reason) one value."""
    region_obj = _reviewed_region(request, region)
    value = get_object_or_404(
        indicator_selectors.values_for_user(request.user).filter(region=region_obj), pk=pk
    )
    action = request.POST.get("action")
    version = _version(request.POST.get("version"))
    try:
        if action == "approve":
            services.value_approve(value=value, actor=request.user, expected_version=version)
            done = _("Approved.")
        elif action == "return":
            services.value_return(
                value=value,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                expected_version=version,
            )
            done = _("Returned to the department.")
        else:
            raise ValidationError(_("Choose approve or return."))
    except (ValidationError, PermissionDenied, ConflictError) as exc:
        return _row_response(request, region_obj, value.pk, error=_messages(exc))
    return _row_response(request, region_obj, value.pk, done=done)


@login_required
@require_POST
def review_comment(request, region: str, pk: int):
    """Add a comment to a value's thread."""
    region_obj = _reviewed_region(request, region)
    value = get_object_or_404(
        indicator_selectors.values_for_user(request.user).filter(region=region_obj), pk=pk
    )
    try:
        services.comment_add(value=value, actor=request.user, text=request.POST.get("text", ""))
    except (ValidationError, PermissionDenied) as exc:
        return _row_response(request, region_obj, value.pk, error=_messages(exc))
    return _row_response(request, region_obj, value.pk)


@login_required
@require_POST
def review_bulk(request, region: str):
    """Approve, or return with one reason, every chosen value: all or nothing."""
    region_obj = _reviewed_region(request, region)
    ids = {pk for pk in (_version(raw) for raw in request.POST.getlist("value")) if pk}
    action = request.POST.get("action")
    errors: list[str] = []
    done = ""
    if not ids:
        errors.append(_("Choose at least one value."))
    elif action not in ("approve", "return"):
        errors.append(_("Choose approve or return."))
    else:
        errors, done = _bulk(request, region_obj, ids, action)
    if not request.htmx:
        for text in errors:
            messages.error(request, text)
        if done:
            messages.success(request, done)
        return redirect(_queue_url(region_obj, request))
    request.GET = request.POST.copy()  # the list keeps the reviewer's filters
    context = _queue_context(request, region_obj)
    context.update({"bulk_errors": errors, "bulk_done": done})
    return render(request, "dashboard/_review_list.html", context)


def _bulk(request, region: Region, ids: set[int], action: str) -> tuple[list[str], str]:
    values = list(
        indicator_selectors.values_for_user(request.user).filter(region=region, pk__in=ids)
    )
    if len(values) != len(ids):
        return [_("Some of the chosen values no longer exist; reload the queue.")], ""
    versions = {v.pk: _version(request.POST.get(f"version-{v.pk}")) for v in values}
    extra = {"reason": request.POST.get("reason", "")} if action == "return" else {}
    service = services.value_approve if action == "approve" else services.value_return
    try:
        count = services.objects_bulk(
            service,
            values,
            lambda v: {"value": v, "expected_version": versions[v.pk]},
            actor=request.user,
            **extra,
        )
    except services.BulkError as exc:
        return [_("Nothing was changed:")] + [
            f"{_value_label(value)}: {message}" for value, message in exc.failures
        ], ""
    except ConflictError as exc:
        return [_("Nothing was changed:"), *_messages(exc)], ""
    # The admin's bulk actions say the same (one message, as Chinese has no plural).
    if action == "approve":
        return [], _("%(n)d values approved.") % {"n": count}
    return [], _("%(n)d values returned.") % {"n": count}


def _value_label(value: IndicatorValue) -> str:
    return f"{value.data_element.name} · {value.year}"


@login_required
@require_GET
def evidence_preview(request, region: str, token: str):
    """The in-place viewer of one evidence file (a sandboxed frame or an image)."""
    region_obj = _reviewed_region(request, region)
    evidence = indicator_selectors.visible_evidence(request.user, token)
    if evidence is None:
        raise Http404
    return render(
        request,
        "dashboard/_evidence_preview.html",
        {"evidence": evidence, "kind": queue.preview_kind(evidence), "region": region_obj},
    )
