"""Evidence files live under MEDIA_ROOT but are never served from it: their URL is the
download view, which checks the reader's scope and forces a download."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.files.storage import FileSystemStorage
from django.urls import reverse


class EvidenceStorage(FileSystemStorage):
    def url(self, name: str) -> str:
        return reverse("evidence-download", kwargs={"token": PurePosixPath(name).stem})


class VetoEvidenceStorage(FileSystemStorage):
    """The same for a veto event's evidence: its URL is the scoped download of veto events."""

    def url(self, name: str) -> str:
        return reverse("veto-evidence-download", kwargs={"token": PurePosixPath(name).stem})
