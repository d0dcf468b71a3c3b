"""The scorecard as API consumers and exports read it: plain data built from a
:class:`~assessments.selectors.Scorecard` (its typed result read by attribute)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from assessments.scoring import IndicatorResult, MissingItem, MissingPiece, Projection
from assessments.selectors import Scorecard


def _number(value):
    """Decimals travel as strings (exactly as computed); yes/no answers stay booleans."""
    return str(value) if isinstance(value, Decimal) else value


def scorecard_payload(card: Scorecard) -> dict:
    r = card.result
    return {
        "region": {"code": card.region.code, "name": card.region.name},
        "edition": {"code": card.edition.code, "name": card.edition.name},
        "year": r.year,
        "mode": r.mode.value,
        "window": list(r.window),
        "as_of": card.as_of,
        "input_hash": card.input_hash,
        # Computed from the current data for every read, so never stale; kept for consumers.
        "stale": False,
        "verdict": r.verdict.value,
        "summary": r.summary,
        "summary_en": r.summary_en,
        "binding": {"met": r.binding_met, "applicable": r.binding_applicable},
        "reference": {
            "met": r.reference_met,
            "applicable": r.reference_applicable,
            "ratio": _number(r.reference_ratio),
            "required": _number(r.reference_required),
        },
        "veto_events": [
            {"date": e.date, "kind": e.kind, "description": e.description} for e in r.veto_events
        ],
        "missing": [missing_row(m) for m in r.missing],
        "indicators": [indicator_row(i) for i in r.indicators],
    }


def missing_row(m: MissingItem) -> dict:
    return {
        "code": m.code,
        "name": m.name,
        "name_en": m.name_en,
        "status": m.status.value,
        "years": list(m.years),
        "departments": list(m.departments),
        "departments_en": list(m.departments_en),
        "owners": list(m.owners),
        "owners_en": list(m.owners_en),
        "pieces": [piece_row(p) for p in m.pieces],
    }


def piece_row(p: MissingPiece) -> dict:
    """One thing missing and who owes it (value, assigned target or region attribute)."""
    return {
        "code": p.code,
        "lacking": p.lacking.value,
        "years": list(p.years),
        "value_status": p.value_status or None,
        "attribute": p.attribute or None,
        "owner": p.owner.value,
        "owner_names": list(p.owner_names),
        "owner_names_en": list(p.owner_names_en),
        "text": p.text,
        "text_en": p.text_en,
    }


def indicator_row(i: IndicatorResult) -> dict:
    return {
        "code": i.code,
        "parent": i.parent_code,
        "name": i.name,
        "name_en": i.name_en,
        "type": i.category,
        "unit": i.unit,
        "value": _number(i.value),
        "value_text": i.value_text,
        "years_used": list(i.years_used),
        "target_text": i.target_text,
        "target_text_en": i.target_text_en,
        "status": i.status.value,
        "gap": _number(i.gap),
        "gap_text": i.gap_text,
        "gap_text_en": i.gap_text_en,
        "explanation": i.explanation,
        "explanation_en": i.explanation_en,
        "source": list(i.sources),
        "departments": list(i.departments),
        "missing": [piece_row(p) for p in i.missing],
        "projection": projection_row(i.projection),
    }


def projection_row(p: Projection | None) -> dict | None:
    """The progress measure (assessments.scoring.projection) with its method, thresholds and
    inputs; null on parents and on indicators that do not apply."""
    if p is None:
        return None
    return {
        "status": p.status.value,
        "method": p.method or None,
        "operator": p.operator or None,
        "target": _number(p.target),
        "target_year": p.target_year,
        "direction": p.direction or None,
        "years": list(p.years),
        "base_year": p.base_year,
        "base_value": _number(p.base_value),
        "latest_year": p.latest_year,
        "latest_value": _number(p.latest_value),
        "observed_rate": _number(p.observed_rate),
        "required_rate": _number(p.required_rate),
        "ratio": _number(p.ratio),
        "thresholds": {
            "on_track": _number(p.thresholds[0]),
            "acceleration_needed": _number(p.thresholds[1]),
            "limited_progress": _number(p.thresholds[2]),
        },
        "projected": [{"year": year, "value": _number(value)} for year, value in p.projected],
    }


def tabular_rows(payload: dict) -> list[dict]:
    """One flat row per indicator, for CSV and XLSX."""
    head = {
        "region": payload["region"]["code"],
        "edition": payload["edition"]["code"],
        "year": payload["year"],
        "mode": payload["mode"],
        "verdict": payload["verdict"],
        "as_of": timezone.localtime(payload["as_of"]).isoformat(),
    }
    rows = []
    for item in payload["indicators"]:
        rows.append(
            {
                **head,
                "code": item["code"],
                "name": item["name"],
                "type": item["type"],
                "value": item["value_text"] or ("" if item["value"] is None else item["value"]),
                "unit": item["unit"],
                "years_used": item["years_used"],
                "target": item["target_text"],
                "status": item["status"],
                "gap": item["gap_text"],
                "explanation": item["explanation"],
                "source": item["source"],
                "departments": item["departments"],
                "owed": "；".join(f"{p['code']} {p['text']}" for p in item["missing"]),
            }
        )
    return rows
