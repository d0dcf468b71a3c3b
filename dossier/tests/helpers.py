"""What the dossier's tests compare the documents with: the demo's scorecard, read through the
one read path (assessments.selectors) and the API's payload, independently of the table."""

from __future__ import annotations

from assessments import selectors
from assessments.choices import Status
from assessments.scorecard import scorecard_payload
from indicators.choices import Category

YEAR = 2021
WINDOW = (2019, 2020, 2021)


def expected_rows(region, edition, year: int = YEAR, mode: str = "official") -> list[list[str]]:
    """Each indicator's row as the documents should print it (English active): number, name,
    unit, target, type, the window's values, status, gap and sources."""
    cards = selectors.scorecards(regions=[region], edition=edition, years=WINDOW, mode=mode)
    payloads = {y: scorecard_payload(cards[(region.pk, y)]) for y in WINDOW}
    by_year = {y: {i["code"]: i for i in payloads[y]["indicators"]} for y in WINDOW}
    rows = []
    for item in payloads[year]["indicators"]:
        values = []
        for y in WINDOW:
            other = by_year[y][item["code"]]
            values.append(
                "" if other["value"] is None else (other["value_text"] or str(other["value"]))
            )
        rows.append(
            [
                item["code"],
                item["name_en"] or item["name"],
                item["unit"],
                item["target_text_en"] or item["target_text"],
                str(Category(item["type"]).label),
                *values,
                str(Status(item["status"]).label),
                item["gap_text_en"] or item["gap_text"],
                "；".join(item["source"]),
            ]
        )
    return rows


def without_place(cells: list[str]) -> list[str]:
    """A document row without its domain and task (the first two columns)."""
    return list(cells[2:])
