"""The scorecard as consumers and pages read it, built from a stored snapshot."""

from __future__ import annotations

from django.utils import timezone

from assessments.models import AssessmentSnapshot


def scorecard_payload(snapshot: AssessmentSnapshot) -> dict:
    r = snapshot.result
    return {
        "region": {"code": snapshot.region.code, "name": snapshot.region.name},
        "edition": {"code": snapshot.edition.code, "name": snapshot.edition.name},
        "year": r["year"],
        "mode": r["mode"],
        "window": r["window"],
        "as_of": snapshot.as_of,
        "input_hash": snapshot.input_hash,
        "stale": snapshot.stale,
        "verdict": r["verdict"],
        "summary": r.get("summary", ""),
        "summary_en": r.get("summary_en", ""),
        "binding": {"met": r["binding_met"], "applicable": r["binding_applicable"]},
        "reference": {
            "met": r["reference_met"],
            "applicable": r["reference_applicable"],
            "ratio": r["reference_ratio"],
            "required": r["reference_required"],
        },
        "veto_events": r["veto_events"],
        "missing": r["missing"],
        "indicators": [indicator_row(i) for i in r["indicators"]],
    }


def indicator_row(i: dict) -> dict:
    return {
        "code": i["code"],
        "parent": i["parent_code"],
        "name": i["name"],
        "name_en": i["name_en"],
        "type": i["category"],
        "unit": i["unit"],
        "value": i["value"],
        "value_text": i.get("value_text", ""),
        "years_used": i["years_used"],
        "target_text": i["target_text"],
        "target_text_en": i["target_text_en"],
        "status": i["status"],
        "gap": i["gap"],
        "gap_text": i["gap_text"],
        "gap_text_en": i["gap_text_en"],
        "explanation": i["explanation"],
        "explanation_en": i["explanation_en"],
        "source": i.get("sources", []),
        "departments": i.get("departments", []),
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
            }
        )
    return rows
