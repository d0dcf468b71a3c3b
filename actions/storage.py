"""A progress note's evidence lives under MEDIA_ROOT but is never served from it: its URL is the
scoped download of actions (actions.views.note_evidence_download)."""

from __future__ import annotations

from indicators.storage import TokenDownloadStorage


class NoteEvidenceStorage(TokenDownloadStorage):
    url_name = "action-evidence"
