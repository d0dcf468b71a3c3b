"""Reads of the dossier: which package builds a user may see and download, and which evidence
files an evidence package holds."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.scope import scope_of
from dossier.models import EvidencePackage
from indicators.choices import ValueStatus
from indicators.models import Evidence, FrameworkEdition, Indicator, Region


def packages_for_user(user) -> QuerySet[EvidencePackage]:
    """The builds a user may follow and download: their own, and those of the regions whose
    scores they read (the region's reviewers and leaders, a city's for its districts, the
    administrators). Clerks read no scores, so they see none but their own (and they cannot
    ask for one)."""
    scope = scope_of(user)
    if not scope.active:
        return EvidencePackage.objects.none()
    packages = EvidencePackage.objects.select_related("region", "edition", "requester")
    if scope.reads_scores and scope.reads_all_regions:
        return packages
    visible = Q(requester=user)
    if scope.reads_scores:
        # (Not for administrators above: an empty Q() would drop out of the |.)
        visible |= scope.region_q("region__")
    return packages.filter(visible)


@dataclass(frozen=True)
class Entry:
    """One evidence file of the package, with the indicator and year it proves."""

    evidence: Evidence
    domain: str
    indicator_code: str
    indicator_name: str
    year: int
    folder: str  # domain / indicator / year, as the ZIP names it


UNSAFE = str.maketrans({c: "_" for c in '/\\:*?"<>|\t\r\n\0'})


def safe_name(text: str, limit: int = 80) -> str:
    """A path component every unzip program accepts: no separators or reserved characters,
    not empty, not a dot name."""
    cleaned = text.translate(UNSAFE).strip().strip(".")[:limit].strip()
    return cleaned or "_"


def package_entries(region: Region, edition: FrameworkEdition, years) -> list[Entry]:
    """The evidence of every approved value of ``region`` in ``years`` whose data element the
    edition measures, in the edition's order (domain, indicator), then year and upload time.
    A data element read by a computed indicator only is filed under that indicator. Two
    queries."""
    places = {}
    indicators = list(
        Indicator.objects.filter(edition=edition)
        .select_related("task__domain")
        .prefetch_related("inputs")
        .order_by("task__domain__order", "order", "pk")
    )
    for position, ind in enumerate(indicators):
        if ind.data_element_id is not None:
            places.setdefault(ind.data_element_id, (position, *_named(ind)))
    for position, ind in enumerate(indicators):
        for element in ind.inputs.all():
            places.setdefault(element.pk, (position, *_named(ind)))
    evidence = (
        Evidence.objects.filter(
            value__region=region,
            value__year__in=list(years),
            value__status=ValueStatus.APPROVED,
            value__data_element_id__in=list(places),
        )
        .select_related("value", "uploaded_by")
        .order_by("value__year", "uploaded_at", "pk")
    )
    entries = []
    for item in evidence:
        position, domain, code, name = places[item.value.data_element_id]
        folder = "/".join((safe_name(domain), safe_name(f"{code} {name}"), str(item.value.year)))
        entries.append(
            (
                position,
                Entry(
                    evidence=item,
                    domain=domain,
                    indicator_code=code,
                    indicator_name=name,
                    year=item.value.year,
                    folder=folder,
                ),
            )
        )
    entries.sort(key=lambda pair: pair[0])  # stable: year and upload order stay
    return [entry for _, entry in entries]


def _named(ind: Indicator) -> tuple[str, str, str]:
    domain = ind.task.domain
    return f"{domain.order:02d} {domain.name}", ind.code, ind.name
