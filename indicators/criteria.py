"""Choosing the criterion that applies to a region: pure functions over plain mappings.

A criterion names a region class by some of the attributes level, terrain, eco_zone, city_size
and coastal (blank = any). It matches a region when every attribute it names equals the
region's; among matching criteria the one naming the most attributes wins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import combinations
from typing import TypeVar

T = TypeVar("T")
RegionClass = Mapping[str, str]


def matches(criterion_class: RegionClass, region: RegionClass) -> bool:
    return all(region.get(field) == value for field, value in criterion_class.items() if value)


def specificity(criterion_class: RegionClass) -> int:
    return sum(1 for value in criterion_class.values() if value)


def select(
    candidates: Iterable[T], region: RegionClass, class_of: Callable[[T], RegionClass]
) -> T | None:
    """The most specific candidate matching ``region``, or None when none matches."""
    matching = [c for c in candidates if matches(class_of(c), region)]
    if not matching:
        return None
    return max(matching, key=lambda c: specificity(class_of(c)))


def _compatible(a: RegionClass, b: RegionClass) -> bool:
    """Some region could match both classes."""
    return all(a[f] == b[f] for f in a.keys() & b.keys() if a[f] and b[f])


def ambiguous_pairs(classes: Sequence[RegionClass]) -> list[tuple[int, int]]:
    """Index pairs of classes that one region could match with neither more specific: the
    data must not contain them, since which target applies would be a matter of chance."""
    pairs = []
    for (i, a), (j, b) in combinations(enumerate(classes), 2):
        a_set = {k: v for k, v in a.items() if v}
        b_set = {k: v for k, v in b.items() if v}
        if not _compatible(a_set, b_set) or specificity(a_set) != specificity(b_set):
            continue
        pairs.append((i, j))
    return pairs


def unset_attributes(classes: Iterable[RegionClass], region: RegionClass) -> tuple[str, ...]:
    """The attributes the region leaves blank that some class needs and would otherwise match:
    setting them could make a criterion apply, so a blank there is missing data, not a reason
    for the indicator not to apply. Empty when nothing is wanting."""
    wanted: dict[str, None] = {}
    for cls in classes:
        named = {f: v for f, v in cls.items() if v}
        blank = [f for f in named if not region.get(f)]
        if blank and all(region.get(f) == v for f, v in named.items() if f not in blank):
            wanted.update(dict.fromkeys(blank))
    return tuple(wanted)
