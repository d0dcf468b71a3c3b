"""The input's fingerprint and the result's JSON form (stored on AssessmentSnapshot.result)."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any

from assessments.scoring.engine import counted_vetoes, window_years
from assessments.scoring.types import (
    AssessmentInput,
    AssessmentResult,
    IndicatorResult,
    Lacking,
    MissingItem,
    MissingPiece,
    Mode,
    Owner,
    Progress,
    Projection,
    Status,
    Verdict,
    VetoEvent,
)

# Part of the fingerprint: bump it when the engine's logic or wording changes, so that stored
# snapshots whose inputs did not change are still recomputed with the new engine.
# 3: computed indicators, threshold spans, no_deterioration against the window's first year,
# veto events up to the day of assessment.
# 4: who owes each missing piece (MissingPiece, owners); drafts and returned values are
# missing, owed by their department.
# 5: each applicable leaf's projection (the progress measure, assessments.scoring.projection).
ENGINE_VERSION = 5


def fingerprint(inp: AssessmentInput) -> str:
    """sha256 hex of a canonical JSON of the whole input: equal inputs give equal hashes
    (97 and 97.0000 are equal), any changed observation gives another.

    The day of assessment enters only through the veto events it lets count: a day passing
    changes the hash only when it changes which events count, so an unchanged verdict is not
    stored again every day."""
    window = window_years(inp.year, inp.pass_rule.window_years)
    counted = counted_vetoes(inp.veto_events, window, inp.assessed_on)
    hashed = dataclasses.replace(inp, assessed_on=None, veto_events=counted)
    payload = {"engine": ENGINE_VERSION, "input": _plain_input(hashed)}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def result_to_dict(result: AssessmentResult) -> dict[str, Any]:
    """JSON-serialisable: Decimals as strings, enums as values, tuples as lists, dates ISO."""
    return _plain(result, str)


def result_from_dict(data: dict[str, Any]) -> AssessmentResult:
    """The inverse of ``result_to_dict``."""
    return AssessmentResult(
        region_code=data["region_code"],
        edition_code=data["edition_code"],
        year=data["year"],
        mode=Mode(data["mode"]),
        window=tuple(data["window"]),
        verdict=Verdict(data["verdict"]),
        binding_met=data["binding_met"],
        binding_applicable=data["binding_applicable"],
        reference_met=data["reference_met"],
        reference_applicable=data["reference_applicable"],
        reference_ratio=_decimal(data["reference_ratio"]),
        reference_required=Decimal(data["reference_required"]),
        veto_events=tuple(_veto(e) for e in data["veto_events"]),
        missing=tuple(_missing(m) for m in data["missing"]),
        indicators=tuple(_indicator(i) for i in data.get("indicators", ())),
        summary=data.get("summary", ""),
        summary_en=data.get("summary_en", ""),
    )


# The plain form of the last indicators hashed: the inputs of one region-year in both modes
# share their indicators tuple, so the second fingerprint of the pair reuses the first's walk.
_last_indicators: tuple[Any, Any] = (None, None)


def _plain_input(inp: AssessmentInput) -> dict[str, Any]:
    global _last_indicators
    seen, plain = _last_indicators
    if seen is not inp.indicators:
        plain = _plain(inp.indicators, _canonical_decimal)
        _last_indicators = (inp.indicators, plain)
    out = {
        name: _plain(getattr(inp, name), _canonical_decimal)
        for name in _field_names(type(inp), inp)
        if name != "indicators"
    }
    out["indicators"] = plain
    return out


def _canonical_decimal(number: Decimal) -> str:
    # normalize() alone would write 90 as "9E+1" and keep the sign of -0.
    return "0" if number == 0 else f"{number.normalize():f}"


# Field names of each dataclass met, so that _plain asks dataclasses.fields() once per type
# rather than once per object (the fingerprint walks some 3,000 objects per input).
_FIELDS: dict[type, tuple[str, ...] | None] = {}
_LEAVES = frozenset({str, int, bool, float, type(None)})


def _field_names(kind: type, obj: Any) -> tuple[str, ...] | None:
    try:
        return _FIELDS[kind]
    except KeyError:
        names = None
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            names = tuple(f.name for f in dataclasses.fields(obj))
        _FIELDS[kind] = names
        return names


def _plain(obj: Any, decimal: Callable[[Decimal], str]) -> Any:
    kind = type(obj)
    if kind in _LEAVES:
        return obj
    names = _field_names(kind, obj)
    if names is not None:
        return {name: _plain(getattr(obj, name), decimal) for name in names}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Decimal):
        return decimal(obj)
    if isinstance(obj, datetime.date):
        return obj.isoformat()
    if isinstance(obj, list | tuple):
        return [_plain(item, decimal) for item in obj]
    if isinstance(obj, dict):
        return {str(key): _plain(value, decimal) for key, value in obj.items()}
    return obj


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _value(value: str | bool | None) -> Decimal | bool | None:
    # Booleans stay JSON booleans; numbers were written as strings.
    return value if value is None or isinstance(value, bool) else Decimal(value)


def _veto(data: dict[str, Any]) -> VetoEvent:
    return VetoEvent(
        date=datetime.date.fromisoformat(data["date"]),
        kind=data["kind"],
        description=data.get("description", ""),
    )


def _missing(data: dict[str, Any]) -> MissingItem:
    return MissingItem(
        code=data["code"],
        name=data["name"],
        name_en=data["name_en"],
        status=Status(data["status"]),
        years=tuple(data["years"]),
        departments=tuple(data["departments"]),
        departments_en=tuple(data.get("departments_en", ())),
        pieces=tuple(_piece(p) for p in data.get("pieces", ())),
        owners=tuple(data.get("owners", ())),
        owners_en=tuple(data.get("owners_en", ())),
    )


def _piece(data: dict[str, Any]) -> MissingPiece:
    return MissingPiece(
        code=data["code"],
        lacking=Lacking(data["lacking"]),
        owner=Owner(data["owner"]),
        owner_names=tuple(data["owner_names"]),
        owner_names_en=tuple(data["owner_names_en"]),
        years=tuple(data.get("years", ())),
        value_status=data.get("value_status", ""),
        attribute=data.get("attribute", ""),
        text=data.get("text", ""),
        text_en=data.get("text_en", ""),
    )


def _indicator(data: dict[str, Any]) -> IndicatorResult:
    return IndicatorResult(
        code=data["code"],
        name=data["name"],
        name_en=data["name_en"],
        category=data["category"],
        parent_code=data["parent_code"],
        unit=data["unit"],
        status=Status(data["status"]),
        value=_value(data["value"]),
        years_used=tuple(data["years_used"]),
        target_text=data["target_text"],
        target_text_en=data["target_text_en"],
        gap=_decimal(data["gap"]),
        gap_text=data["gap_text"],
        gap_text_en=data["gap_text_en"],
        explanation=data["explanation"],
        explanation_en=data["explanation_en"],
        departments=tuple(data.get("departments", ())),
        departments_en=tuple(data.get("departments_en", ())),
        missing_years=tuple(data.get("missing_years", ())),
        value_text=data.get("value_text", ""),
        sources=tuple(data.get("sources", ())),
        missing=tuple(_piece(p) for p in data.get("missing", ())),
        projection=_projection(data.get("projection")),
    )


def _projection(data: dict[str, Any] | None) -> Projection | None:
    if data is None:
        return None
    return Projection(
        status=Progress(data["status"]),
        method=data["method"],
        operator=data["operator"],
        target=_decimal(data["target"]),
        target_year=data["target_year"],
        direction=data["direction"],
        years=tuple(data["years"]),
        base_year=data["base_year"],
        base_value=_decimal(data["base_value"]),
        latest_year=data["latest_year"],
        latest_value=_decimal(data["latest_value"]),
        observed_rate=_decimal(data["observed_rate"]),
        required_rate=_decimal(data["required_rate"]),
        ratio=_decimal(data["ratio"]),
        thresholds=tuple(Decimal(t) for t in data["thresholds"]),
        projected=tuple((year, Decimal(value)) for year, value in data["projected"]),
    )
