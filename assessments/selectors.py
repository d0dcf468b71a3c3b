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
from decimal import Decimal

from django.db.models import FilteredRelation, Q, QuerySet
from django.utils import timezone

from accounts.models import ApiKey
from accounts.scope import scope_of
from assessments.inputs import build_inputs_batch
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
from indicators.models import FrameworkEdition, Region
from zhonglou.db import fetch_one


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
    regions: list[Region],
    edition: FrameworkEdition,
    years: dict[int, list[int]],
    mode: Mode,
    now: datetime.datetime,
    stored: dict[tuple[int, int], AssessmentSnapshot | None],
) -> dict[tuple[int, int], Scorecard]:
    """Score the regions in memory for their ``years`` (by region id), their data read
    together (:func:`~assessments.inputs.build_inputs_batch`)."""
    by_pk = {r.pk: r for r in regions}
    out = {}
    for (region_id, year, _mode), inp in build_inputs_batch(
        regions, edition, years, [mode]
    ).items():
        region = by_pk[region_id]
        digest = fingerprint(inp)
        snapshot = stored.get((region_id, year))
        if snapshot is not None and snapshot.input_hash == digest:
            # Marked stale, but nothing scoring reads changed (e.g. a value saved unchanged).
            out[(region_id, year)] = _from_snapshot(snapshot, region, edition)
        else:
            out[(region_id, year)] = Scorecard(
                region=region,
                edition=edition,
                result=assess(inp),
                as_of=now,
                input_hash=digest,
                stored=False,
            )
    return out


def _current(region_ids: Iterable[int], edition, years: Iterable[int], mode: Mode):
    # One current row per key, read into a dict: without the model's ordering, whose joins
    # to the regions and editions (and the sort) grow with a province's regions.
    return (
        AssessmentSnapshot.objects.filter(
            region_id__in=list(region_ids),
            edition=edition,
            year__in=list(years),
            mode=mode.value,
            is_current=True,
        )
        .defer("change_note")
        .order_by()
    )


@dataclass(frozen=True)
class StoredHead:
    """What identifies a stored, fresh scorecard without reading its result: enough for an
    ETag, a 304 and the key of its rendered bytes."""

    pk: int
    input_hash: str
    as_of: datetime.datetime


def stored_head(
    *, region: Region, edition: FrameworkEdition, year: int, mode: Mode | str
) -> StoredHead | None:
    """The current, fresh snapshot of the key without its result (one query), or None when
    it is missing or stale (then :func:`scorecard` computes the verdict)."""
    row = (
        _current([region.pk], edition, [year], Mode(mode))
        .filter(stale=False)
        .values_list("pk", "input_hash", "as_of")[:1]
    )
    return StoredHead(*row[0]) if row else None


@dataclass(frozen=True)
class DefaultHead:
    """A region found by its code, with what the scorecard's short path needs to answer a read
    of its default scorecard (its own edition, default year) without reading the result: the
    names in the rendered body, whether the reader and the key may read it, and the stored
    head (None when the snapshot is missing or stale)."""

    region_id: int
    parent_id: int | None
    region_name: str
    edition_name: str
    key_allows: bool
    head: StoredHead | None


def default_head(code: str, mode: Mode | str, *, key_id: int | None = None) -> DefaultHead | None:
    """The region with ``code`` (None when there is none, or it has no edition of its own),
    its edition's name and the stored head of its default year
    (:func:`indicators.selectors.default_year`) in ``mode``, in one prepared query of plain
    SQL: through the ORM, building the query costs more than running it, on a path that
    counts milliseconds. ``key_allows`` says whether the API key ``key_id`` (a key limited to
    regions) names the region; True without a key. Whether the reader may see it is the caller's:
    :meth:`accounts.scope.Scope.reads`."""
    region = Region._meta.db_table
    edition = FrameworkEdition._meta.db_table
    snapshots = AssessmentSnapshot._meta.db_table
    year, year_params = indicator_selectors.default_year_sql()
    if key_id is None:
        allows, allows_params = "1", ()
    else:
        through = ApiKey.regions.through._meta.db_table
        allows = (
            f'(SELECT COUNT(*) FROM "{through}" k '
            'WHERE k."apikey_id" = %s AND k."region_id" = r."id")'
        )
        allows_params = (key_id,)
    sql = (
        f'SELECT r."id", r."parent_id", r."name", e."name", {allows}, '
        's."id", s."input_hash", s."as_of" '
        f'FROM (SELECT "{region}"."id", "{region}"."parent_id", "{region}"."name", '
        f'"{region}"."edition_id", {year} AS "default_year" FROM "{region}" '
        f'WHERE "{region}"."code" = %s) r '
        f'INNER JOIN "{edition}" e ON e."id" = r."edition_id" '
        f'LEFT OUTER JOIN "{snapshots}" s ON s."region_id" = r."id" '
        'AND s."edition_id" = r."edition_id" AND s."year" = r."default_year" AND s."mode" = %s '
        'AND s."is_current" AND NOT s."stale"'
    )
    row = fetch_one(sql, (*allows_params, *year_params, code, Mode(mode).value))
    if row is None:
        return None
    region_id, parent_id, region_name, edition_name, allows_count, pk, input_hash, as_of = row
    return DefaultHead(
        region_id=region_id,
        parent_id=parent_id,
        region_name=region_name,
        edition_name=edition_name,
        key_allows=bool(allows_count),
        head=None if pk is None else StoredHead(pk, input_hash, _aware(as_of)),
    )


def _aware(value) -> datetime.datetime:
    """A datetime column read with plain SQL: SQLite gives text in UTC."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


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
    fresh: dict[int, list[int]] = {}
    for region in regions:
        for year in years:
            snapshot = stored.get((region.pk, year))
            if snapshot is not None and not snapshot.stale:
                out[(region.pk, year)] = _from_snapshot(snapshot, region, edition)
            else:
                fresh.setdefault(region.pk, []).append(year)
    if fresh:
        out.update(_computed(regions, edition, fresh, mode, now, stored))
    return out


@dataclass(frozen=True)
class VerdictLine:
    """A region's verdict and counts without the explained rows: what a comparison shows,
    read from the snapshot's columns (or from a result computed for this read). The region is
    named by its id: a comparison ranks a province's regions and loads the page it shows."""

    region_id: int
    verdict: str
    binding_met: int
    binding_applicable: int
    reference_met: int
    reference_applicable: int
    reference_ratio: Decimal | None
    as_of: datetime.datetime
    stored: bool


def verdict_lines(
    *,
    regions: QuerySet[Region],
    edition: FrameworkEdition,
    year: int,
    mode: Mode | str,
    now: datetime.datetime | None = None,
) -> list[VerdictLine]:
    """The verdict of each region for one edition, year and mode, in the queryset's order:
    the regions' ids with their current, fresh snapshot's columns in one query (a join; no
    region is built and no result read); only the regions whose snapshot is missing or stale
    are loaded, and scored in memory together (:func:`scorecards`)."""
    mode = Mode(mode)
    fresh = FilteredRelation(
        "assessments",
        condition=Q(
            assessments__edition=edition,
            assessments__year=year,
            assessments__mode=mode.value,
            assessments__is_current=True,
            assessments__stale=False,
        ),
    )
    rows = list(
        regions.annotate(fresh=fresh).values_list(
            "pk",
            "fresh__verdict",
            "fresh__binding_met",
            "fresh__binding_applicable",
            "fresh__reference_met",
            "fresh__reference_applicable",
            "fresh__reference_ratio",
            "fresh__as_of",
        )
    )
    missing = [row[0] for row in rows if row[1] is None]
    cards = (
        scorecards(
            regions=Region.objects.filter(pk__in=missing).select_related("edition"),
            edition=edition,
            years=[year],
            mode=mode,
            now=now,
        )
        if missing
        else {}
    )
    lines = []
    for pk, *columns in rows:
        if columns[0] is not None:
            lines.append(VerdictLine(pk, *columns, stored=True))
            continue
        card = cards[(pk, year)]
        r = card.result
        lines.append(
            VerdictLine(
                pk,
                r.verdict.value,
                r.binding_met,
                r.binding_applicable,
                r.reference_met,
                r.reference_applicable,
                r.reference_ratio,
                card.as_of,
                stored=card.stored,
            )
        )
    return lines


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
