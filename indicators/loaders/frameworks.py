"""Validate and load framework edition files (see data/frameworks/SCHEMA.md)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from indicators import criteria as criteria_lib
from indicators import formula as formula_lib
from indicators.choices import RuleKind, RuleSpan, ValueKind
from indicators.models import (
    Criterion,
    CriterionRule,
    DataElement,
    Domain,
    FrameworkEdition,
    Indicator,
    Task,
)

from .common import LoadError, Problem, content_hash, format_path, read_yaml, schema_problems

DEFAULT_DECIMALS = {ValueKind.PERCENTAGE: 1, ValueKind.NUMBER: 2, ValueKind.BOOLEAN: 0}
ELEMENT_IDENTITY = ("value_kind", "unit", "direction")
COMPUTED_FIELDS = ("formula", "inputs", "base_year")


@dataclass(frozen=True)
class ParsedEdition:
    file: str
    document: dict[str, Any]
    hash: str

    @property
    def code(self) -> str:
        return self.document["edition"]["code"]


@dataclass(frozen=True)
class LoadResult:
    code: str
    file: str
    outcome: str  # created | updated | unchanged
    indicators: int


def walk_indicators(document: dict) -> Iterator[tuple[list, dict, dict, dict, dict | None]]:
    """Yield (path, domain, task, indicator, parent) for every indicator, in file order."""
    for d, domain in enumerate(document.get("domains", [])):
        for t, task in enumerate(domain.get("tasks", [])):
            for i, indicator in enumerate(task.get("indicators", [])):
                path = ["domains", d, "tasks", t, "indicators", i]
                yield path, domain, task, indicator, None
                for c, child in enumerate(indicator.get("children", [])):
                    yield [*path, "children", c], domain, task, child, indicator


def _indicator_problems(file: str, path: list, ind: dict, parent: dict | None) -> list[Problem]:
    at = format_path(path)
    problems = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(file, at, field, message))

    if parent is not None:
        if not ind["code"].startswith(parent["code"] + "."):
            bad("code", f"a sub-indicator's code must start with {parent['code']}.")
        if "children" in ind:
            bad("children", "sub-indicators cannot have sub-indicators of their own")
    else:
        for field in ("category", "scope"):
            if field not in ind:
                bad(field, f"a top-level indicator needs '{field}'")
    if "children" in ind:
        for field in ("key", "criteria", "value_kind", "unit", "direction", *COMPUTED_FIELDS):
            if field in ind:
                bad(field, "an indicator with sub-indicators has no data of its own")
        return problems
    if "formula" in ind:
        problems += _computed_problems(file, at, ind)
    else:
        for field in COMPUTED_FIELDS:
            if field in ind:
                bad(field, "only a computed indicator (one with a 'formula') takes this field")
    needed = ("value_kind", "unit", "direction", "criteria")
    for field in needed if "formula" in ind else ("key", *needed):
        if field not in ind:
            bad(field, f"an indicator without sub-indicators needs '{field}'")
    if not ind.get("criteria"):
        return problems
    low, high = ind.get("plausible_min"), ind.get("plausible_max")
    if low is not None and high is not None and low > high:
        bad("plausible_min", f"minimum {low} is above maximum {high}")
    kind = ind.get("value_kind")
    for c, criterion in enumerate(ind["criteria"]):
        for r, rule in enumerate(criterion["rules"]):
            problems += _rule_problems(file, [*path, "criteria", c, "rules", r], rule, kind)
    classes = [criterion.get("applies_to", {}) for criterion in ind["criteria"]]
    for i, j in criteria_lib.ambiguous_pairs([_as_class(c) for c in classes]):
        bad(
            "applies_to",
            f"criteria {i} and {j} can both apply to one region with neither more specific",
        )
    return problems


def _computed_problems(file: str, at: str, ind: dict) -> list[Problem]:
    """A computed indicator: a valid formula over exactly its declared inputs, no key of its
    own (its value is calculated, never entered) and a numeric value."""
    problems = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(file, at, field, message))

    if "key" in ind:
        bad("key", "a computed indicator is never entered: declare its data elements in 'inputs'")
    if ind.get("value_kind") == ValueKind.BOOLEAN:
        bad("value_kind", "a computed indicator has a numeric value")
    inputs = ind.get("inputs", [])
    if not inputs:
        bad("inputs", "a computed indicator needs the data elements its formula reads")
    declared = [element["key"] for element in inputs]
    for key in {k for k in declared if declared.count(k) > 1}:
        bad("inputs", f"input {key!r} is declared twice")
    try:
        node = formula_lib.parse(ind["formula"])
    except formula_lib.FormulaError as exc:
        bad("formula", f"not a valid formula: {exc}")
        return problems
    used = formula_lib.keys(node)
    for key in used:
        if key not in declared:
            bad("formula", f"unknown data element {key!r}: declare it in 'inputs'")
    for key in declared:
        if key not in used:
            bad("inputs", f"input {key!r} is not used by the formula")
    if "base_year" in ind and not formula_lib.uses_base(node):
        bad("base_year", "the formula reads no base(…) value")
    return problems


def _elements(ind: dict) -> list[dict]:
    """The data elements an indicator's values are entered against: its own key, or the
    inputs of a computed indicator (the first one stands for the indicator)."""
    if "formula" in ind:
        return list(ind.get("inputs", []))
    return [ind] if "key" in ind else []


def _as_class(applies_to: dict) -> dict[str, str]:
    out = {}
    for field, value in applies_to.items():
        out[field] = ("yes" if value else "no") if field == "coastal" else value
    return out


def _rule_problems(file: str, path: list, rule: dict, value_kind: str | None) -> list[Problem]:
    at = format_path(path)
    kind = rule["kind"]
    problems = []
    if value_kind == ValueKind.BOOLEAN and kind != RuleKind.QUALITATIVE:
        return [Problem(file, at, "kind", f"a {kind} rule needs a numeric indicator")]
    if "span" in rule and kind != RuleKind.THRESHOLD:
        problems.append(Problem(file, at, "span", "only a threshold rule reads every window year"))
    if kind == RuleKind.THRESHOLD:
        for field in ("operator", "value"):
            if field not in rule:
                problems.append(Problem(file, at, field, f"a threshold rule needs '{field}'"))
        if value_kind == ValueKind.PERCENTAGE and not 0 <= rule.get("value", 0) <= 100:
            problems.append(Problem(file, at, "value", "a percentage threshold lies in 0–100"))
    elif kind == RuleKind.QUALITATIVE:
        if value_kind not in (None, ValueKind.BOOLEAN):
            problems.append(
                Problem(file, at, "kind", "a qualitative rule needs a yes/no indicator")
            )
        for field in ("operator", "value", "tolerance"):
            if field in rule:
                problems.append(Problem(file, at, field, "a qualitative rule takes no parameters"))
    return problems


def semantic_problems(file: str, document: dict) -> list[Problem]:
    problems: list[Problem] = []
    for field in ("domains", "tasks"):
        seen: dict[str, str] = {}
        items = (
            document["domains"]
            if field == "domains"
            else [t for d in document["domains"] for t in d["tasks"]]
        )
        for item in items:
            if item["code"] in seen:
                problems.append(
                    Problem(file, field, "code", f"{field[:-1]} code {item['code']!r} is repeated")
                )
            seen[item["code"]] = item["code"]
    codes: dict[str, str] = {}
    keys: dict[str, str] = {}
    for path, _domain, _task, ind, parent in walk_indicators(document):
        at = format_path(path)
        if ind["code"] in codes:
            problems.append(
                Problem(
                    file, at, "code", f"code {ind['code']!r} is used at {codes[ind['code']]} too"
                )
            )
        codes.setdefault(ind["code"], at)
        own = _elements(ind)[:1]  # the element the indicator stands on, once per edition
        for element in own:
            field = "key" if element is ind else "inputs"
            if element["key"] in keys:
                problems.append(
                    Problem(
                        file,
                        at,
                        field,
                        f"key {element['key']!r} is used at {keys[element['key']]} too",
                    )
                )
            keys.setdefault(element["key"], at)
        problems += _indicator_problems(file, path, ind, parent)
    return problems


def _element_fields(ind: dict) -> dict[str, Any]:
    kind = ind["value_kind"]
    band = ind.get("plausibility_band")
    return {
        "name": ind["name"],
        "name_en": ind.get("name_en", ""),
        "value_kind": kind,
        "unit": ind["unit"],
        "direction": ind["direction"],
        "decimals": ind.get("decimals", DEFAULT_DECIMALS[kind]),
        "plausible_min": _dec(
            ind.get("plausible_min", 0 if kind == ValueKind.PERCENTAGE else None)
        ),
        "plausible_max": _dec(
            ind.get("plausible_max", 100 if kind == ValueKind.PERCENTAGE else None)
        ),
        "plausibility_band": _dec(band) if band is not None else Decimal("0.300"),
    }


def _computed_decimals(ind: dict) -> int:
    return ind.get("decimals", DEFAULT_DECIMALS[ind["value_kind"]])


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _cross_file_problems(parsed: list[ParsedEdition]) -> list[Problem]:
    problems = []
    editions: dict[str, str] = {}
    for p in parsed:
        if p.code in editions:
            problems.append(
                Problem(
                    p.file, "edition", "code", f"{p.code!r} is also the code in {editions[p.code]}"
                )
            )
        editions.setdefault(p.code, p.file)
    # One data element key means one thing everywhere: in every file and in the database.
    known = {
        e.key: ({f: getattr(e, f) for f in ELEMENT_IDENTITY}, "the database")
        for e in DataElement.objects.all()
    }
    for p in parsed:
        for path, _d, _t, ind, _parent in walk_indicators(p.document):
            for element in _elements(ind):
                if "value_kind" not in element:
                    continue
                mine = {f: element.get(f) for f in ELEMENT_IDENTITY}
                theirs, where = known.setdefault(element["key"], (mine, p.file))
                for field in ELEMENT_IDENTITY:
                    if theirs[field] != mine[field]:
                        problems.append(
                            Problem(
                                p.file,
                                format_path(path),
                                field,
                                f"key {element['key']!r} has {field} {theirs[field]!r} in "
                                f"{where}, {mine[field]!r} here",
                            )
                        )
    return problems


def parse_files(paths: Iterable[str | Path]) -> list[ParsedEdition]:
    """Read and validate every file; raise LoadError listing every problem of every file."""
    problems: list[Problem] = []
    parsed: list[ParsedEdition] = []
    for raw in paths:
        path = Path(raw)
        document, read_problems = read_yaml(path)
        if read_problems:
            problems += read_problems
            continue
        found = schema_problems(document, "frameworks/framework.schema.json", str(path))
        if not found:
            found = semantic_problems(str(path), document)
        problems += found
        if not found:
            parsed.append(ParsedEdition(str(path), document, content_hash(document)))
    if not problems:
        problems = _cross_file_problems(parsed)
    if problems:
        raise LoadError(problems)
    return parsed


@transaction.atomic
def load_files(paths: Iterable[str | Path], *, now: datetime.datetime) -> list[LoadResult]:
    """Validate all files, then write them in one transaction (all or nothing)."""
    parsed = parse_files(paths)
    existing = {
        e.code: e for e in FrameworkEdition.objects.filter(code__in=[p.code for p in parsed])
    }
    refused = [
        Problem(
            p.file,
            "edition",
            "code",
            f"edition {p.code!r} already has assessments and cannot change; "
            "give the revised file a new edition code and load it as a new edition",
        )
        for p in parsed
        if p.code in existing
        and existing[p.code].content_hash != p.hash
        and existing[p.code].is_in_use()
    ]
    if refused:
        raise LoadError(refused)
    return [_apply(p, existing.get(p.code), now) for p in parsed]


def _apply(p: ParsedEdition, edition: FrameworkEdition | None, now) -> LoadResult:
    if edition is not None and edition.content_hash == p.hash:
        return LoadResult(p.code, p.file, "unchanged", edition.indicators.count())
    outcome = "created" if edition is None else "updated"
    meta = p.document["edition"]
    rule = meta["pass_rule"]
    edition, _ = FrameworkEdition.objects.update_or_create(
        code=p.code,
        defaults={
            "name": meta["name"],
            "name_en": meta.get("name_en", ""),
            "issuing_document": meta.get("issuing_document", ""),
            "year": meta["year"],
            "status": meta["status"],
            "reconstruction": meta.get("reconstruction", False),
            "note": meta.get("note", ""),
            "window_years": rule["window_years"],
            "all_binding_required": rule["all_binding_required"],
            "reference_ratio_required": Decimal(str(rule["reference_ratio_required"])),
            "veto_in_window": rule["veto_in_window"],
            "source_file": Path(p.file).name,
            "content_hash": p.hash,
            "loaded_at": now,
        },
    )
    # Data elements are re-attached below; detaching first lets a revised file move a data
    # element to another indicator code without meeting the once-per-edition constraint.
    Indicator.objects.filter(edition=edition).update(data_element=None)
    kept = _write_tree(edition, p.document)
    try:
        stale = Indicator.objects.filter(edition=edition).exclude(id__in=kept["indicators"])
        stale.filter(parent__isnull=False).delete()
        stale.delete()
        Task.objects.filter(edition=edition).exclude(id__in=kept["tasks"]).delete()
        Domain.objects.filter(edition=edition).exclude(id__in=kept["domains"]).delete()
    except ProtectedError as exc:
        raise LoadError(
            [Problem(p.file, "domains", "", f"cannot remove indicators still in use: {exc}")]
        ) from None
    return LoadResult(p.code, p.file, outcome, len(kept["indicators"]))


def _write_tree(edition: FrameworkEdition, document: dict) -> dict[str, list[int]]:
    kept: dict[str, list[int]] = {"domains": [], "tasks": [], "indicators": []}
    domains: dict[str, Domain] = {}
    tasks: dict[str, Task] = {}
    indicators: dict[str, Indicator] = {}
    for order, (_path, d, t, ind, parent) in enumerate(walk_indicators(document)):
        if d["code"] not in domains:
            domains[d["code"]], _ = Domain.objects.update_or_create(
                edition=edition,
                code=d["code"],
                defaults={
                    "name": d["name"],
                    "name_en": d.get("name_en", ""),
                    "order": len(domains),
                },
            )
            kept["domains"].append(domains[d["code"]].id)
        if t["code"] not in tasks:
            tasks[t["code"]], _ = Task.objects.update_or_create(
                edition=edition,
                code=t["code"],
                defaults={
                    "domain": domains[d["code"]],
                    "name": t["name"],
                    "name_en": t.get("name_en", ""),
                    "order": len(tasks),
                },
            )
            kept["tasks"].append(tasks[t["code"]].id)
        elements = [
            DataElement.objects.update_or_create(key=e["key"], defaults=_element_fields(e))[0]
            for e in _elements(ind)
        ]
        element = elements[0] if elements else None
        computed = "formula" in ind
        inherited = parent or {}
        indicator, _ = Indicator.objects.update_or_create(
            edition=edition,
            code=ind["code"],
            defaults={
                "task": tasks[t["code"]],
                "parent": indicators[parent["code"]] if parent else None,
                "name": ind["name"],
                "name_en": ind.get("name_en", ""),
                "category": ind.get("category", inherited.get("category")),
                "scope": ind.get("scope", inherited.get("scope")),
                "confidence": ind.get("confidence", inherited.get("confidence", "R")),
                "data_element": element,
                "definition": ind.get("definition", ""),
                "calculation_method": ind.get("calculation_method", ""),
                "data_source": ind.get("data_source", ""),
                "order": order,
                "formula": ind.get("formula", ""),
                "base_year": ind.get("base_year"),
                "value_kind": ind["value_kind"] if computed else "",
                "unit": ind["unit"] if computed else "",
                "direction": ind["direction"] if computed else "",
                "decimals": _computed_decimals(ind) if computed else None,
            },
        )
        indicator.inputs.set(elements if computed else [])
        indicators[ind["code"]] = indicator
        kept["indicators"].append(indicator.id)
        _write_criteria(indicator, ind.get("criteria", []))
    return kept


def _write_criteria(indicator: Indicator, criteria: list[dict]) -> None:
    indicator.criteria.all().delete()
    for spec in criteria:
        criterion = Criterion.objects.create(
            indicator=indicator,
            target_text=spec["target_text"],
            target_text_en=spec.get("target_text_en", ""),
            **_as_class(spec.get("applies_to", {})),
        )
        CriterionRule.objects.bulk_create(
            CriterionRule(
                criterion=criterion,
                kind=rule["kind"],
                operator=rule.get("operator", ""),
                value=_dec(rule.get("value")),
                tolerance=_dec(rule.get("tolerance")),
                baseline_year=rule.get("baseline_year"),
                span=rule.get("span", RuleSpan.YEAR),
                order=order,
            )
            for order, rule in enumerate(spec["rules"])
        )
