"""A progress note's evidence lives under MEDIA_ROOT but is never served from it: its URL is the
scoped download of actions (actions.views.note_evidence_download)."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.files.storage import FileSystemStorage
from django.urls import reverse


class NoteEvidenceStorage(FileSystemStorage):
    def url(self, name: str) -> str:
        return reverse("action-evidence", kwargs={"token": PurePosixPath(name).stem})
