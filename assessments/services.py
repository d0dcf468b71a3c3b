"""Writes of the assessments app: computing and storing snapshots."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q

from assessments.inputs import build_inputs_batch
from assessments.models import AssessmentSnapshot
from assessments.scoring import AssessmentResult, Mode, assess, fingerprint, result_to_dict
from assessments.signals import verdict_changed
from indicators import selectors
from indicators.choices import EditionStatus
from indicators.models import (
    CriterionRule,
    FrameworkEdition,
    Indicator,
    IndicatorValue,
    Region,
)

logger = logging.getLogger(__name__)


def describe_change(before: dict | None, after: dict) -> str:
    """One line saying what moved between two stored results: the verdict and every
    indicator whose status changed."""
    if before is None:
        return "first assessment"
    parts = []
    if before["verdict"] != after["verdict"]:
        parts.append(f"verdict {before['verdict']} → {after['verdict']}")
    old = {i["code"]: i["status"] for i in before["indicators"]}
    for item in after["indicators"]:
        if old.get(item["code"]) != item["status"]:
            parts.append(f"{item['code']} {old.get(item['code'], '—')} → {item['status']}")
    return "; ".join(parts)[:500] or "inputs changed, statuses unchanged"


Key = tuple[int, int, str]  # region id, assessment year, mode value


@dataclass(frozen=True)
class Scored:
    """A key whose inputs changed: the engine's new result, to be stored."""

    region: Region
    edition: FrameworkEdition
    year: int
    mode: Mode
    digest: str
    result: AssessmentResult

    @property
    def key(self) -> Key:
        return (self.region.pk, self.year, self.mode.value)


@transaction.atomic
def snapshot_refresh(
    *,
    region: Region,
    edition: FrameworkEdition,
    year: int,
    mode: Mode | str,
    now: datetime.datetime,
) -> AssessmentSnapshot:
    """The current snapshot of this key, recomputed if its inputs changed. Unchanged inputs
    write nothing (beyond clearing a stale flag), so running it twice is harmless."""
    mode = Mode(mode)
    stored = snapshots_refresh(
        regions=[region], edition=edition, years={region.pk: [year]}, modes=[mode], now=now
    )
    return stored[(region.pk, year, mode.value)]


@transaction.atomic
def snapshots_refresh(
    *,
    regions: Iterable[Region],
    edition: FrameworkEdition,
    years: Mapping[int, Iterable[int]],
    modes: Iterable[Mode | str] = tuple(Mode),
    now: datetime.datetime,
) -> dict[Key, AssessmentSnapshot]:
    """The current snapshot of every region × its years (``years`` by region id) × mode for
    one edition, recomputed where the inputs changed, keyed by (region id, year, mode). The
    inputs of the whole batch are built together and the snapshots locked, confirmed and
    written in bulk, so the queries grow with batches, not with regions × years × modes.
    Unchanged inputs write nothing (beyond clearing stale flags)."""
    regions = {r.pk: r for r in regions}
    inputs = build_inputs_batch(regions.values(), edition, years, modes)
    if not inputs:
        return {}
    current = {
        (s.region_id, s.year, s.mode): s
        for s in AssessmentSnapshot.objects.select_for_update()
        .filter(
            is_current=True,
            edition=edition,
            region_id__in={k[0] for k in inputs},
            year__in={k[1] for k in inputs},
            mode__in={k[2] for k in inputs},
        )
        .defer("result", "change_note")
    }
    out: dict[Key, AssessmentSnapshot] = {}
    scored, unstale = [], []
    for key, inp in inputs.items():
        digest = fingerprint(inp)
        snapshot = current.get(key)
        if snapshot is not None and snapshot.input_hash == digest:
            out[key] = snapshot
            if snapshot.stale:
                snapshot.stale = False
                unstale.append(snapshot.pk)
        else:
            region = regions[key[0]]
            scored.append(Scored(region, edition, key[1], inp.mode, digest, assess(inp)))
    if unstale:
        AssessmentSnapshot.objects.filter(pk__in=unstale).update(stale=False)
    out.update(snapshots_write(scored=scored, current=current, now=now))
    return out


def snapshots_write(
    *, scored: list[Scored], current: Mapping[Key, AssessmentSnapshot], now: datetime.datetime
) -> dict[Key, AssessmentSnapshot]:
    """The one place new snapshot rows are written: each scored key's current snapshot (in
    ``current``, locked by the caller) is retired and a new current one created with what
    changed, all in bulk. Called inside the caller's transaction."""
    if not scored:
        return {}
    replaced = [current[s.key].pk for s in scored if s.key in current]
    before = dict(
        AssessmentSnapshot.objects.filter(pk__in=replaced).values_list("pk", "result")
        if replaced
        else ()
    )
    rows = []
    for s in scored:
        stored = result_to_dict(s.result)
        old = current.get(s.key)
        rows.append(
            AssessmentSnapshot(
                region=s.region,
                edition=s.edition,
                year=s.year,
                mode=s.mode.value,
                as_of=now,
                input_hash=s.digest,
                verdict=s.result.verdict.value,
                binding_met=s.result.binding_met,
                binding_applicable=s.result.binding_applicable,
                reference_met=s.result.reference_met,
                reference_applicable=s.result.reference_applicable,
                reference_ratio=s.result.reference_ratio,
                result=stored,
                change_note=describe_change(before.get(old.pk) if old else None, stored),
            )
        )
    if replaced:
        AssessmentSnapshot.objects.filter(pk__in=replaced).update(is_current=False)
    try:
        with transaction.atomic():
            created = AssessmentSnapshot.objects.bulk_create(rows)
    except IntegrityError:
        # A concurrent run stored some of these keys first; theirs are as good as ours.
        created = [_create_or_theirs(row) for row in rows]
    for snapshot in created:
        _announce_change(snapshot, current, before)
    return {(s.region_id, s.year, s.mode): s for s in created}


def _announce_change(
    snapshot: AssessmentSnapshot, current: Mapping[Key, AssessmentSnapshot], before: dict
) -> None:
    """Sends ``verdict_changed`` when the new snapshot's verdict differs from the one it
    replaces, or a binding indicator changed status between them."""
    previous = current.get((snapshot.region_id, snapshot.year, snapshot.mode))
    if previous is None or previous.pk not in before:
        return
    flipped = binding_flips(before[previous.pk], snapshot.result)
    if previous.verdict != snapshot.verdict or flipped:
        verdict_changed.send(
            sender=AssessmentSnapshot, snapshot=snapshot, previous=previous, flipped=flipped
        )


def _create_or_theirs(row: AssessmentSnapshot) -> AssessmentSnapshot:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
            return row
    except IntegrityError:
        return AssessmentSnapshot.objects.get(
            is_current=True, region=row.region, edition=row.edition, year=row.year, mode=row.mode
        )


def binding_flips(before: dict, after: dict) -> list[str]:
    """Codes of the binding indicators whose status changed between two stored results."""
    old = {i["code"]: i["status"] for i in before["indicators"]}
    return [
        item["code"]
        for item in after["indicators"]
        if item.get("category") == "binding"
        and item["code"] in old
        and old[item["code"]] != item["status"]
    ]


def assessment_editions(region: Region) -> list[FrameworkEdition]:
    """The editions a region is tracked against: its own, then the others in force that
    apply to its level."""
    editions = list(FrameworkEdition.objects.filter(status=EditionStatus.IN_FORCE).order_by("code"))
    own = selectors.region_edition(region)
    if own is not None and own not in editions:
        editions.insert(0, own)
    editions.sort(key=lambda e: e != own)
    return editions


def assessment_years(
    region: Region, changed: Iterable[int], edition: FrameworkEdition
) -> list[int]:
    """The assessment years a change to ``changed`` data years can move: each year whose
    window contains a changed year (every year when a changed year is a baseline year of the
    edition's rules), among the years the region has data for or a current snapshot of."""
    span = IndicatorValue.objects.filter(region=region).aggregate(lo=Min("year"), hi=Max("year"))
    known = set(
        AssessmentSnapshot.objects.filter(region=region, edition=edition, is_current=True)
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    if span["lo"] is not None:
        known |= set(range(span["lo"], span["hi"] + 1))
    changed = set(changed)
    if not changed or changed & _baseline_years(edition):
        return sorted(known)
    years = {y + k for y in changed for k in range(edition.window_years)}
    return sorted(years & known)


def _baseline_years(edition: FrameworkEdition) -> set[int]:
    """Years every assessment can read: the rules' baseline years and the fixed base years
    of computed indicators (one query)."""
    rules = (
        CriterionRule.objects.filter(
            criterion__indicator__edition=edition, baseline_year__isnull=False
        )
        .order_by()
        .values_list("baseline_year", flat=True)
    )
    bases = (
        Indicator.objects.filter(edition=edition, base_year__isnull=False)
        .order_by()
        .values_list("base_year", flat=True)
    )
    return set(rules.union(bases))


def region_refresh(*, region: Region, years: Iterable[int], now: datetime.datetime) -> int:
    """Recompute every tracked snapshot of a region that the changed years can move; returns
    how many snapshots were written or confirmed."""
    count = 0
    for edition in assessment_editions(region):
        span = {region.pk: assessment_years(region, years, edition)}
        count += len(snapshots_refresh(regions=[region], edition=edition, years=span, now=now))
    return count


def regions_refresh(*, regions: Iterable[Region], now: datetime.datetime) -> int:
    """Recompute every tracked snapshot of many regions (the nightly run), one batch per
    edition: the editions each region is tracked against, every year it has data for or a
    current snapshot of. Returns how many snapshots were written or confirmed."""
    regions = list(regions)
    if not regions:
        return 0
    ids = [r.pk for r in regions]
    known: dict[tuple[int, int], set[int]] = defaultdict(set)
    for region_id, edition_id, year in (
        AssessmentSnapshot.objects.filter(region_id__in=ids, is_current=True)
        .order_by()
        .values_list("region_id", "edition_id", "year")
        .distinct()
    ):
        known[(region_id, edition_id)].add(year)
    spans = {
        row["region"]: range(row["lo"], row["hi"] + 1)
        for row in IndicatorValue.objects.filter(region_id__in=ids)
        .values("region")
        .annotate(lo=Min("year"), hi=Max("year"))
        .order_by()
    }
    editions = {
        e.pk: e
        for e in FrameworkEdition.objects.filter(
            Q(status=EditionStatus.IN_FORCE) | Q(pk__in={r.edition_id for r in regions})
        ).order_by("code")
    }
    in_force = [pk for pk, e in editions.items() if e.status == EditionStatus.IN_FORCE]
    tracked: dict[int, list[Region]] = defaultdict(list)
    for region in regions:
        # assessment_editions(): the region's own edition (else the first in force), then
        # every edition in force.
        own = region.edition_id or (in_force[0] if in_force else None)
        for edition_id in {*in_force, *([own] if own else [])}:
            tracked[edition_id].append(region)
    count = 0
    for edition_id, members in tracked.items():
        years = {
            r.pk: sorted(known[(r.pk, edition_id)] | set(spans.get(r.pk, ()))) for r in members
        }
        count += len(
            snapshots_refresh(regions=members, edition=editions[edition_id], years=years, now=now)
        )
    return count


def regions_recompute(*, region_ids: Iterable[int], now: datetime.datetime) -> int:
    """``regions_refresh`` by ids, for the nightly Celery batch (regions deleted since the
    batch was queued are skipped)."""
    regions = Region.objects.filter(pk__in=list(region_ids))
    return regions_refresh(regions=regions, now=now)


def region_recompute(*, region_id: int, years: Iterable[int], now: datetime.datetime) -> int:
    """``region_refresh`` by id, for the Celery task and the background thread: a region
    deleted since the change was queued has nothing to recompute."""
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        return 0
    return region_refresh(region=region, years=years, now=now)


def mark_stale(region_id: int, years: Iterable[int] = ()) -> int:
    """Flag the current snapshots of a region that a change to the data ``years`` can move
    (every one when ``years`` is empty) until their recompute has run; one UPDATE. The same
    years as ``assessment_years``: those whose window holds a changed year, or every year of
    an edition that has a changed year as a baseline year."""
    snapshots = AssessmentSnapshot.objects.filter(region_id=region_id, is_current=True)
    changed = set(years)
    if changed:
        movable = Exists(
            CriterionRule.objects.filter(
                criterion__indicator__edition=OuterRef("edition"), baseline_year__in=changed
            )
        ) | Exists(Indicator.objects.filter(edition=OuterRef("edition"), base_year__in=changed))
        for year in changed:
            movable |= Q(year__gte=year, year__lt=F("edition__window_years") + year)
        snapshots = snapshots.filter(movable)
    return snapshots.update(stale=True)
