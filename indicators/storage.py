"""Evidence files live under MEDIA_ROOT but are never served from it: their URL is the
download view, which checks the reader's scope and forces a download."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.files.storage import FileSystemStorage
from django.urls import reverse


class TokenDownloadStorage(FileSystemStorage):
    """Files named by their download token, whose URL is the scoped download ``url_name``."""

    url_name = ""

    def url(self, name: str) -> str:
        return reverse(self.url_name, kwargs={"token": PurePosixPath(name).stem})


class EvidenceStorage(TokenDownloadStorage):
    url_name = "evidence-download"


class VetoEvidenceStorage(TokenDownloadStorage):
    """The same for a veto event's evidence: its URL is the scoped download of veto events."""

    url_name = "veto-evidence-download"
