"""Reads of assessments, scoped to who may see scores.

The one read path of verdicts is :func:`scorecard` (and :func:`scorecards` for many regions or
years): every page, the API, the CLI and the exports read a :class:`Scorecard` from here. A read
never writes: the stored snapshot is used when it is current and not stale; otherwise the
engine scores the region in memory for this response, and storing snapshots stays the
recompute's job (after writes, nightly). See docs/architecture.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from accounts.scope import scope_of
from assessments.inputs import build_inputs
from assessments.models import AssessmentSnapshot
from assessments.scoring import (
    AssessmentResult,
    IndicatorResult,
    MissingPiece,
    Mode,
    assess,
    fingerprint,
    result_from_dict,
)
from indicators import selectors as indicator_selectors
from indicators.models import FrameworkEdition, IndicatorValue, Region


def snapshots_for_user(user) -> QuerySet[AssessmentSnapshot]:
    if not scope_of(user).reads_scores:
        return AssessmentSnapshot.objects.none()
    regions = indicator_selectors.regions_for_user(user)
    return AssessmentSnapshot.objects.filter(region__in=regions).select_related("region", "edition")


@dataclass(frozen=True)
class Scorecard:
    """A region's verdict for one edition, assessment year and mode, as every reader gets it.

    ``result`` is the engine's typed result; nothing mutates it. ``stored`` says whether it is
    the stored snapshot (``as_of`` is when that snapshot was computed) or was computed in
    memory for this read because the snapshot was missing or stale (``as_of`` is now; the
    recompute will store it). ``input_hash`` fingerprints the inputs either way, so that it
    serves as a validator for HTTP caching."""

    region: Region
    edition: FrameworkEdition
    result: AssessmentResult
    as_of: datetime.datetime
    input_hash: str
    stored: bool

    @property
    def year(self) -> int:
        return self.result.year

    @property
    def mode(self) -> Mode:
        return self.result.mode


def _from_snapshot(snapshot: AssessmentSnapshot, region, edition) -> Scorecard:
    return Scorecard(
        region=region,
        edition=edition,
        result=result_from_dict(snapshot.result),
        as_of=snapshot.as_of,
        input_hash=snapshot.input_hash,
        stored=True,
    )


def _computed(
    region: Region,
    edition: FrameworkEdition,
    years: list[int],
    mode: Mode,
    now: datetime.datetime,
    stored: dict[int, AssessmentSnapshot],
) -> dict[int, Scorecard]:
    """Score the region in memory for ``years`` (one read of its data for all of them)."""
    out = {}
    for year, inp in build_inputs(region, edition, years, mode).items():
        digest = fingerprint(inp)
        snapshot = stored.get(year)
        if snapshot is not None and snapshot.input_hash == digest:
            # Marked stale, but nothing scoring reads changed (e.g. a value saved unchanged).
            out[year] = _from_snapshot(snapshot, region, edition)
        else:
            out[year] = Scorecard(
                region=region,
                edition=edition,
                result=assess(inp),
                as_of=now,
                input_hash=digest,
                stored=False,
            )
    return out


def _current(region_ids: Iterable[int], edition, years: Iterable[int], mode: Mode):
    return AssessmentSnapshot.objects.filter(
        region_id__in=list(region_ids),
        edition=edition,
        year__in=list(years),
        mode=mode.value,
        is_current=True,
    ).defer("change_note")


def scorecard(
    *,
    region: Region,
    edition: FrameworkEdition,
    year: int,
    mode: Mode | str,
    now: datetime.datetime | None = None,
) -> Scorecard:
    """The verdict of ``region`` for ``edition``, ``year`` and ``mode``: the stored snapshot
    when it is current and fresh, else computed in memory. Writes nothing."""
    return scorecards(regions=[region], edition=edition, years=[year], mode=mode, now=now)[
        (region.pk, year)
    ]


def scorecards(
    *,
    regions: Iterable[Region],
    edition: FrameworkEdition,
    years: Iterable[int],
    mode: Mode | str,
    now: datetime.datetime | None = None,
) -> dict[tuple[int, int], Scorecard]:
    """:func:`scorecard` for every region × year, keyed by (region id, year): the stored
    snapshots in one query, the missing or stale ones computed in memory."""
    mode = Mode(mode)
    now = now or timezone.now()
    regions = list(regions)
    years = list(years)
    stored = {
        (s.region_id, s.year): s for s in _current((r.pk for r in regions), edition, years, mode)
    }
    out = {}
    for region in regions:
        fresh = {}
        for year in years:
            snapshot = stored.get((region.pk, year))
            if snapshot is not None and not snapshot.stale:
                out[(region.pk, year)] = _from_snapshot(snapshot, region, edition)
            else:
                fresh[year] = snapshot
        if fresh:
            computed = _computed(region, edition, list(fresh), mode, now, fresh)
            out.update({(region.pk, year): card for year, card in computed.items()})
    return out


def data_years(regions: Iterable[Region]) -> list[int]:
    """The years the regions hold values for, latest first (empty when they hold none)."""
    span = IndicatorValue.objects.filter(region__in=list(regions)).aggregate(
        lo=Min("year"), hi=Max("year")
    )
    if span["hi"] is None:
        return []
    return list(range(span["hi"], span["lo"] - 1, -1))


PROBLEM_ORDER = {"not_met": 0, "missing": 1, "pending": 2}


@dataclass(frozen=True)
class Gap:
    """A top-level indicator standing in the way, with exactly what it lacks and who owes each
    piece (the engine's MissingItem: values → their lead department or, submitted, the
    reviewers; assigned targets → the creation office; region attributes → the administrator).
    """

    indicator: IndicatorResult
    pieces: tuple[MissingPiece, ...]
    owners: tuple[str, ...]
    owners_en: tuple[str, ...]
    missing_years: tuple[int, ...]


def gap_list(result: AssessmentResult) -> list[Gap]:
    """Top-level indicators standing in the way: binding first, then not met before missing."""
    code_order = {i.code: n for n, i in enumerate(result.indicators)}
    missing = {m.code: m for m in result.missing}
    rows = []
    for item in result.indicators:
        if item.parent_code is not None or item.status.value not in PROBLEM_ORDER:
            continue
        owed = missing.get(item.code)
        rows.append(
            Gap(
                indicator=item,
                pieces=owed.pieces if owed else item.missing,
                owners=owed.owners if owed else (),
                owners_en=owed.owners_en if owed else (),
                missing_years=owed.years if owed else item.missing_years,
            )
        )
    return sorted(
        rows,
        key=lambda g: (
            g.indicator.category != "binding",
            PROBLEM_ORDER[g.indicator.status.value],
            code_order[g.indicator.code],
        ),
    )
