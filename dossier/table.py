"""The dossier's indicator table (指标完成情况一览表), read from the scorecard.

Every document of the dossier (DOCX, XLSX, PDF, the appendix, the table inside the evidence
package) is written from one :class:`IndicatorTable`, and the table is read through the one
read path of verdicts, ``assessments.selectors.scorecards``: the assessment year's scorecard
gives the rows, the verdict and what is missing; the scorecards of the window's other years
give each year's value (the value that year's scorecard counted). Nothing is scored here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import selectors
from assessments.choices import Mode, Status, Verdict
from assessments.scoring import IndicatorResult
from assessments.selectors import Scorecard
from indicators.choices import Category
from indicators.models import FrameworkEdition, Indicator, Region
from zhonglou.bilingual import localized, localized_list


@dataclass(frozen=True)
class Row:
    """One indicator (or sub-indicator) of the table, as the documents print it."""

    domain: str
    task: str
    code: str
    name: str
    unit: str
    target: str
    category: str  # the translated word: binding / reference
    values: tuple[str, ...]  # one per year of the window, "" when none was counted
    status: str  # the translated word
    status_key: str  # met | not_met | missing | pending | not_applicable
    gap: str
    sources: str
    is_sub: bool
    result: IndicatorResult


@dataclass(frozen=True)
class IndicatorTable:
    card: Scorecard
    window: tuple[int, ...]
    rows: tuple[Row, ...]
    domains: tuple[str, ...]  # in the edition's order

    @property
    def result(self):
        return self.card.result

    @property
    def official(self) -> bool:
        return self.card.mode == Mode.OFFICIAL

    def mode_word(self) -> str:
        return _("official") if self.official else _("provisional")

    def as_of_text(self) -> str:
        return timezone.localtime(self.card.as_of).strftime("%Y-%m-%d %H:%M")

    def verdict_word(self) -> str:
        return str(Verdict(self.result.verdict.value).label)

    def header_lines(self) -> list[str]:
        """The header every document prints: region, edition, year, as-of time, mode."""
        card = self.card
        return [
            _("Region: %(region)s") % {"region": localized(card.region, "name")},
            _("Edition: %(edition)s") % {"edition": card.edition.name},
            _("Assessment year: %(year)s (data years %(start)s–%(end)s)")
            % {"year": card.year, "start": self.window[0], "end": self.window[-1]},
            _("As of: %(time)s") % {"time": self.as_of_text()},
            (
                _("Official: approved values only")
                if self.official
                else _("Provisional: submitted values count too")
            ),
        ]

    def summary_lines(self) -> list[str]:
        """Above the table: the verdict, the counts and the veto events."""
        r = self.result
        ratio = "—" if r.reference_ratio is None else f"{r.reference_ratio * 100:.1f}%"
        lines = [
            _("Verdict: %(verdict)s. %(summary)s")
            % {"verdict": self.verdict_word(), "summary": localized(r, "summary")},
            _("Binding indicators met: %(met)s of %(applicable)s")
            % {"met": r.binding_met, "applicable": r.binding_applicable},
            _(
                "Reference indicators met: %(met)s of %(applicable)s "
                "(%(ratio)s, required %(required)s)"
            )
            % {
                "met": r.reference_met,
                "applicable": r.reference_applicable,
                "ratio": ratio,
                "required": f"{r.reference_required * 100:.0f}%",
            },
        ]
        if r.veto_events:
            for event in r.veto_events:
                lines.append(
                    _("Veto event: %(date)s %(description)s")
                    % {"date": event.date.isoformat(), "description": event.description}
                )
        else:
            lines.append(_("Veto events in the window: none recorded."))
        return lines

    def missing_lines(self) -> list[str]:
        """What is missing and who owes it, one line per missing or pending indicator."""
        return [
            _("%(code)s %(name)s: %(status)s — owed by %(owners)s")
            % {
                "code": m.code,
                "name": localized(m, "name"),
                "status": str(Status(m.status.value).label),
                "owners": localized_list(m, "owners") or "—",
            }
            for m in self.result.missing
        ]

    def column_titles(self) -> list[str]:
        return [
            _("Domain"),
            _("Task"),
            _("No."),
            _("Indicator"),
            _("Unit"),
            _("Target"),
            _("Type"),
            *[str(year) for year in self.window],
            _("Status"),
            _("Gap"),
            _("Source"),
        ]

    @staticmethod
    def row_cells(row: Row) -> list[str]:
        return [
            row.domain,
            row.task,
            row.code,
            row.name,
            row.unit,
            row.target,
            row.category,
            *row.values,
            row.status,
            row.gap,
            row.sources,
        ]


def indicator_table(
    *,
    region: Region,
    edition: FrameworkEdition,
    year: int,
    mode: Mode | str,
    now: datetime.datetime | None = None,
) -> IndicatorTable:
    """The table of ``region`` for ``edition``, ``year`` and ``mode``: the scorecards of the
    window's years (one read of the region's data when they must be computed) and one query
    for the catalogue's domains and tasks."""
    card = selectors.scorecard(region=region, edition=edition, year=year, mode=mode, now=now)
    window = tuple(card.result.window)
    earlier = [y for y in window if y != year]
    cards = selectors.scorecards(
        regions=[region], edition=edition, years=earlier, mode=mode, now=now
    )
    by_year = {y: {i.code: i for i in cards[(region.pk, y)].result.indicators} for y in earlier}
    by_year[year] = {i.code: i for i in card.result.indicators}
    places = _places(edition)
    rows = []
    for item in card.result.indicators:
        domain, task = places.get(item.code, ("", ""))
        values = tuple(
            _value_text(by_year[y].get(item.code)) if y in by_year else "" for y in window
        )
        rows.append(
            Row(
                domain=domain,
                task=task,
                code=item.code,
                name=localized(item, "name"),
                unit=item.unit,
                target=localized(item, "target_text"),
                category=str(Category(item.category).label) if item.category else "",
                values=values,
                status=str(Status(item.status.value).label),
                status_key=item.status.value,
                gap=localized(item, "gap_text"),
                sources="；".join(item.sources),
                is_sub=item.parent_code is not None,
                result=item,
            )
        )
    domains = tuple(dict.fromkeys(row.domain for row in rows if row.domain))
    return IndicatorTable(card=card, window=window, rows=tuple(rows), domains=domains)


def _value_text(item: IndicatorResult | None) -> str:
    if item is None or item.value is None:
        return ""
    return item.value_text or str(item.value)


def _places(edition: FrameworkEdition) -> dict[str, tuple[str, str]]:
    """Each indicator code's domain and task names, in the active language (one query)."""
    return {
        ind.code: (localized(ind.task.domain, "name"), localized(ind.task, "name"))
        for ind in Indicator.objects.filter(edition=edition).select_related("task__domain")
    }
