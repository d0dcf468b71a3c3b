"""Views of the indicators app outside the admin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from indicators import selectors
from indicators.models import Evidence


def evidence_file_response(evidence: Evidence) -> FileResponse:
    """An evidence file as a download that no browser renders inline (404 if it is gone)."""
    return file_download(evidence.file, evidence.original_name)


def file_download(stored, filename: str) -> FileResponse:
    """A stored file as a download that no browser renders inline (404 if it is gone)."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def evidence_download(request, token: str):
    """An evidence file, as a download, for users whose scope includes its value."""
    evidence = (
        Evidence.objects.filter(token=token, value__in=selectors.values_for_user(request.user))
        .only("file", "original_name")
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence_file_response(evidence)


@login_required
@require_GET
def veto_evidence_download(request, token: str):
    """A veto event's evidence file, as a download, for users whose scope includes the event
    (another region's reviewer gets a 404, as for any object outside one's scope)."""
    event = (
        selectors.veto_events_for_user(request.user)
        .filter(evidence_token=token)
        .exclude(evidence="")
        .first()
    )
    if not token or event is None:
        raise Http404
    return file_download(event.evidence, event.evidence_name or event.evidence.name)
