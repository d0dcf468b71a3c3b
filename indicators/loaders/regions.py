"""Validate and load a regions file: regions, departments and the responsibility matrix."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from indicators import services
from indicators.choices import ResponsibilityRole
from indicators.models import DataElement, Department, FrameworkEdition, Region, Responsibility

from .common import LoadError, Problem, read_yaml, schema_problems


def _due(text: str) -> tuple[int, int] | None:
    month, day = (int(x) for x in text.split("-"))
    try:
        datetime.date(2024, month, day)  # a leap year, so that 02-29 is accepted
    except ValueError:
        return None
    return month, day


def semantic_problems(file: str, doc: dict) -> list[Problem]:
    problems: list[Problem] = []
    regions = set(Region.objects.values_list("code", flat=True))
    for i, region in enumerate(doc["regions"]):
        at = f"regions[{i}]"
        if region.get("parent") and region["parent"] not in regions:
            problems.append(Problem(file, at, "parent", f"unknown parent {region['parent']!r}"))
        regions.add(region["code"])
    editions = set(FrameworkEdition.objects.values_list("code", flat=True))
    for i, region in enumerate(doc["regions"]):
        if region.get("edition") and region["edition"] not in editions:
            problems.append(
                Problem(
                    file,
                    f"regions[{i}]",
                    "edition",
                    f"no edition {region['edition']!r}: load it first",
                )
            )
    counts = Counter(r["code"] for r in doc["regions"])
    problems += [
        Problem(file, "regions", "code", f"region {code!r} is listed {n} times")
        for code, n in counts.items()
        if n > 1
    ]
    departments = set(Department.objects.values_list("region__code", "code"))
    for i, dept in enumerate(doc.get("departments", [])):
        at = f"departments[{i}]"
        if dept["region"] not in regions:
            problems.append(Problem(file, at, "region", f"unknown region {dept['region']!r}"))
        if (dept["region"], dept["code"]) in {
            (d["region"], d["code"]) for d in doc["departments"][:i]
        }:
            problems.append(Problem(file, at, "code", f"department {dept['code']!r} is repeated"))
        departments.add((dept["region"], dept["code"]))
    keys = set(DataElement.objects.values_list("key", flat=True))
    seen: set[tuple[str, str]] = set()
    for i, resp in enumerate(doc.get("responsibilities", [])):
        at = f"responsibilities[{i}]"
        if resp["key"] not in keys:
            problems.append(
                Problem(
                    file, at, "key", f"no data element {resp['key']!r}: load the frameworks first"
                )
            )
        if (resp["region"], resp["key"]) in seen:
            problems.append(Problem(file, at, "key", f"{resp['key']!r} is listed twice"))
        seen.add((resp["region"], resp["key"]))
        for field, code in [("lead", resp["lead"])] + [
            ("supporting", c) for c in resp.get("supporting", [])
        ]:
            if (resp["region"], code) not in departments:
                problems.append(Problem(file, at, field, f"unknown department {code!r}"))
        if resp["lead"] in resp.get("supporting", []):
            problems.append(Problem(file, at, "supporting", "the lead cannot also be supporting"))
        if _due(resp["due"]) is None:
            problems.append(Problem(file, at, "due", f"{resp['due']!r} is not a day of the year"))
    return problems


def parse_file(path: str | Path) -> dict[str, Any]:
    doc, problems = read_yaml(Path(path))
    if not problems:
        problems = schema_problems(doc, "regions/regions.schema.json", str(path))
    if not problems:
        problems = semantic_problems(str(path), doc)
    if problems:
        raise LoadError(problems)
    return doc


def _upsert(model: type[models.Model], lookup: dict, fields: dict) -> tuple[Any, str]:
    """Create or update one row, saving only when something differs (so a re-run is a no-op)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **fields), "created"
    changed = [f for f, v in fields.items() if getattr(obj, f) != v]
    if not changed:
        return obj, "unchanged"
    for field in changed:
        setattr(obj, field, fields[field])
    obj.save(update_fields=changed)
    return obj, "updated"


@transaction.atomic
def load_file(path: str | Path) -> Counter:
    """Write regions, departments and responsibilities; returns counts of what changed."""
    doc = parse_file(path)
    outcomes: Counter = Counter()
    regions: dict[str, Region] = {r.code: r for r in Region.objects.all()}
    editions = {e.code: e for e in FrameworkEdition.objects.all()}
    for i, spec in enumerate(doc["regions"]):
        fields = {
            "name": spec["name"],
            "name_en": spec.get("name_en", ""),
            "level": spec["level"],
            "parent": regions.get(spec.get("parent") or ""),
            "terrain": spec.get("terrain", ""),
            "eco_zone": spec.get("eco_zone", ""),
            "city_size": spec.get("city_size", ""),
            "coastal": spec.get("coastal", False),
            "synthetic": spec.get("synthetic", False),
            "edition": editions.get(spec.get("edition") or ""),
        }
        stored = regions.get(spec["code"])
        if stored is not None:
            try:
                services.check_region_change(stored, fields)
            except ValidationError as exc:
                raise LoadError(
                    [Problem(str(path), f"regions[{i}]", "code", " ".join(exc.messages))]
                ) from None
        region, outcome = _upsert(Region, {"code": spec["code"]}, fields)
        regions[region.code] = region
        outcomes[f"region {outcome}"] += 1
    departments: dict[tuple[str, str], Department] = {
        (d.region.code, d.code): d for d in Department.objects.select_related("region")
    }
    for spec in doc.get("departments", []):
        dept, outcome = _upsert(
            Department,
            {"region": regions[spec["region"]], "code": spec["code"]},
            {
                "name": spec["name"],
                "name_en": spec.get("name_en", ""),
                "email": spec.get("email", ""),
            },
        )
        departments[(spec["region"], spec["code"])] = dept
        outcomes[f"department {outcome}"] += 1
    elements = {e.key: e for e in DataElement.objects.all()}
    listed: dict[str, set[str]] = {}
    for spec in doc.get("responsibilities", []):
        listed.setdefault(spec["region"], set()).add(spec["key"])
        outcomes.update(_write_responsibility(spec, regions, departments, elements))
    # The file is the whole matrix of each region it lists: rows it no longer names go.
    for code, keys in listed.items():
        removed, _ = (
            Responsibility.objects.filter(region=regions[code])
            .exclude(data_element__key__in=keys)
            .delete()
        )
        if removed:
            outcomes["responsibility removed"] += removed
    return outcomes


def _write_responsibility(spec, regions, departments, elements) -> Iterable[str]:
    region, element = regions[spec["region"]], elements[spec["key"]]
    month, day = _due(spec["due"])
    wanted = {spec["lead"]: ResponsibilityRole.LEAD} | {
        code: ResponsibilityRole.SUPPORTING for code in spec.get("supporting", [])
    }
    stale = Responsibility.objects.filter(region=region, data_element=element).exclude(
        department__code__in=wanted
    )
    removed = stale.count()
    stale.delete()
    # Write the supporting rows first so that a lead moving to supporting never meets the
    # one-lead constraint half-way.
    for code, role in sorted(wanted.items(), key=lambda item: item[1] == ResponsibilityRole.LEAD):
        _obj, outcome = _upsert(
            Responsibility,
            {
                "region": region,
                "data_element": element,
                "department": departments[(spec["region"], code)],
            },
            {"role": role, "due_month": month, "due_day": day},
        )
        yield f"responsibility {outcome}"
    yield from ["responsibility removed"] * removed
