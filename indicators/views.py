"""Views of the indicators app outside the admin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from indicators import selectors
from indicators.models import Evidence


def evidence_file_response(evidence: Evidence) -> FileResponse:
    """An evidence file as a download that no browser renders inline (404 if it is gone)."""
    return file_download(evidence.file, evidence.original_name)


def file_download(stored, filename: str, *, inline_type: str = "") -> FileResponse:
    """A stored file as a download that no browser renders inline (404 if it is gone); with
    ``inline_type`` (a PDF's or an image's type), shown in place instead: still sandboxed, with
    no script, and framed by this site's pages only."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not inline_type,
        filename=filename,
        content_type=inline_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    policy = "default-src 'none'; sandbox"
    if inline_type:
        policy += "; frame-ancestors 'self'"
        response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = policy
    return response


@login_required
@require_GET
def evidence_download(request, token: str):
    """An evidence file, as a download, for users whose scope includes its value."""
    evidence = selectors.visible_evidence(request.user, token)
    if evidence is None:
        raise Http404
    return evidence_file_response(evidence)


@login_required
@require_GET
def evidence_view(request, token: str):
    """An evidence file shown in place (a PDF or an image, sandboxed) for users whose scope
    includes its value; any other type is downloaded as by ``evidence_download``."""
    evidence = selectors.visible_evidence(request.user, token)
    if evidence is None:
        raise Http404
    name = evidence.original_name
    return file_download(evidence.file, name, inline_type=selectors.inline_type(name))


@login_required
@require_GET
def veto_evidence_download(request, token: str):
    """A veto event's evidence file, as a download, for users whose scope includes the event
    (another region's reviewer gets a 404, as for any object outside one's scope)."""
    return evidence_file_download(selectors.veto_events_for_user(request.user), token)


def evidence_file_download(rows: QuerySet, token: str) -> FileResponse:
    """The evidence file (``evidence_file_model``'s fields) of the row of ``rows``, already
    scoped to the reader, with this token, as a download; 404 when there is none."""
    row = rows.filter(evidence_token=token).exclude(evidence="").first() if token else None
    if row is None:
        raise Http404
    return file_download(row.evidence, row.evidence_name or row.evidence.name)
