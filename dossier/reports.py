"""The dossier's downloadable reports, by kind and format, for the pages and the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404

from assessments.choices import Mode
from dossier.documents.pdf import table_pdf
from dossier.documents.sheet import table_xlsx
from dossier.documents.word import appendix_docx, table_docx
from dossier.table import IndicatorTable
from indicators import selectors as indicator_selectors
from indicators.choices import EditionStatus
from indicators.models import FrameworkEdition, Region
from indicators.models.values import YEAR_MAX, YEAR_MIN

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
CONTENT_TYPES = {"docx": DOCX, "xlsx": XLSX, "pdf": PDF}

WRITERS: dict[tuple[str, str], Callable[[IndicatorTable], bytes]] = {
    ("table", "docx"): table_docx,
    ("table", "xlsx"): table_xlsx,
    ("table", "pdf"): table_pdf,
    ("appendix", "docx"): appendix_docx,
}
KINDS = ("table", "appendix")


def formats_of(kind: str) -> list[str]:
    return [fmt for (k, fmt) in WRITERS if k == kind]


def filename(table: IndicatorTable, kind: str, fmt: str) -> str:
    card = table.card
    return f"{card.region.code}-{card.edition.code}-{card.year}-{card.mode.value}-{kind}.{fmt}"


@dataclass(frozen=True)
class Choice:
    """The edition, assessment year and mode a report is written for."""

    edition: FrameworkEdition
    year: int
    mode: Mode

    def query(self) -> str:
        return f"?edition={self.edition.code}&year={self.year}&mode={self.mode.value}"


def editions() -> list[FrameworkEdition]:
    return list(FrameworkEdition.objects.exclude(status=EditionStatus.DRAFT).order_by("code"))


def choose(region: Region, edition: str | None, year, mode: str | None) -> Choice:
    """The choice from the query string; what is absent or malformed falls back on the
    region's defaults (its edition, its assessment year, official). An edition that does not
    exist is a 404."""
    if edition:
        chosen = next((e for e in editions() if e.code == edition), None)
        if chosen is None:
            raise Http404
    else:
        chosen = indicator_selectors.region_edition(region)
        if chosen is None:
            raise Http404
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = None
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        year = indicator_selectors.default_year(region)
    mode = Mode(mode) if mode in Mode.values else Mode.OFFICIAL
    return Choice(edition=chosen, year=year, mode=mode)
