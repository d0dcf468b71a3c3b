"""Writes of the assessments app: computing and storing snapshots."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q

from assessments.inputs import build_input
from assessments.models import AssessmentSnapshot
from assessments.scoring import Mode, assess, fingerprint, result_to_dict
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
    inp = build_input(region, edition, year, mode)
    digest = fingerprint(inp)
    key = {"region": region, "edition": edition, "year": year, "mode": mode.value}
    current = AssessmentSnapshot.objects.select_for_update().filter(is_current=True, **key).first()
    if current is not None and current.input_hash == digest:
        if current.stale:
            current.stale = False
            current.save(update_fields=["stale"])
        return current
    result = assess(inp)
    stored = result_to_dict(result)
    note = describe_change(current.result if current else None, stored)
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    try:
        with transaction.atomic():
            created = AssessmentSnapshot.objects.create(
                **key,
                as_of=now,
                input_hash=digest,
                verdict=result.verdict.value,
                binding_met=result.binding_met,
                binding_applicable=result.binding_applicable,
                reference_met=result.reference_met,
                reference_applicable=result.reference_applicable,
                reference_ratio=result.reference_ratio,
                result=stored,
                change_note=note,
            )
    except IntegrityError:
        # A concurrent run stored the same key first; theirs is as good as ours.
        return AssessmentSnapshot.objects.get(is_current=True, **key)
    if current is not None:
        flipped = binding_flips(current.result, stored)
        if current.verdict != created.verdict or flipped:
            verdict_changed.send(
                sender=AssessmentSnapshot, snapshot=created, previous=current, flipped=flipped
            )
    return created


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
        for year in assessment_years(region, years, edition):
            for mode in Mode:
                snapshot_refresh(region=region, edition=edition, year=year, mode=mode, now=now)
                count += 1
    return count


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
