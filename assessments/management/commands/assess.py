"""Print a region's scorecard: verdict, counts, one line per indicator."""

from __future__ import annotations

import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from assessments import selectors
from assessments.choices import Status, Verdict
from assessments.scoring import Mode, result_to_dict
from indicators import selectors as indicator_selectors
from indicators.models import FrameworkEdition, Region
from zhonglou.choices import icon_and_word


def _zh(choices, key: str) -> str:
    """The Chinese word of a status or verdict (the table is Chinese whatever the locale)."""
    with translation.override("zh-hans"):
        return icon_and_word(choices, key)[1]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    text = str(text)
    while _width(text) > width:
        text = text[:-2] + "…"
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = (
        "Print a region's scorecard for an assessment year: the stored verdict, or the verdict "
        "computed from the current data when none is stored or it is stale (stores nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="GB/T 2260 code, e.g. 320404")
        parser.add_argument(
            "--year",
            type=int,
            help="last year of the window (default: the region's assessment year)",
        )
        parser.add_argument("--edition", help="edition code (default: the region's edition)")
        parser.add_argument("--mode", choices=[m.value for m in Mode], default="official")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, region, year, edition, mode, format, **options):
        region_obj = Region.objects.filter(code=region).first()
        if region_obj is None:
            raise CommandError(f"No region with code {region!r}.")
        edition_obj = (
            FrameworkEdition.objects.filter(code=edition).first()
            if edition
            else indicator_selectors.region_edition(region_obj)
        )
        if edition_obj is None:
            raise CommandError(f"No edition {edition!r}." if edition else "No edition in force.")
        year = year or indicator_selectors.default_year(region_obj)
        card = selectors.scorecard(region=region_obj, edition=edition_obj, year=year, mode=mode)
        if format == "json":
            payload = {
                "as_of": card.as_of.isoformat(),
                "input_hash": card.input_hash,
                "edition": edition_obj.code,
                **result_to_dict(card.result),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self._table(region_obj, edition_obj, card)

    def _table(self, region, edition, card) -> None:
        r = card.result
        out = self.stdout.write
        window = r.window
        out(f"{region.name} ({region.code}) · {edition.name} ({edition.code})")
        out(f"评估年 year {r.year} · {r.mode}")
        as_of = timezone.localtime(card.as_of).strftime("%Y-%m-%d %H:%M")
        out(f"数据年份 window {window[0]}–{window[-1]} · as of {as_of}")
        out(f"结论 verdict: {_zh(Verdict, r.verdict)} ({r.verdict})")
        ratio = r.reference_ratio
        ratio_text = f"{float(ratio) * 100:.1f}%" if ratio is not None else "—"
        out(
            f"约束性 binding: {r.binding_met}/{r.binding_applicable} met · "
            f"参考性 reference: {r.reference_met}/{r.reference_applicable} met "
            f"({ratio_text}, required {float(r.reference_required) * 100:.0f}%) · "
            f"一票否决 veto events in window: {len(r.veto_events)}"
        )
        out(r.summary)
        out("")
        widths = (6, 30, 14, 26, 8, 22)
        header = ("code", "indicator 指标", "value 数值", "target 目标", "status", "gap 差距")
        out("  ".join(_cell(h, w) for h, w in zip(header, widths, strict=True)))
        for item in r.indicators:
            indent = "  " if item.parent_code else ""
            row = (
                indent + item.code,
                indent + item.name,
                item.value_text or "—",
                item.target_text or "—",
                _zh(Status, item.status),
                item.gap_text or "",
            )
            out("  ".join(_cell(c, w) for c, w in zip(row, widths, strict=True)))
        if r.missing:
            out("")
            out("缺数据 missing / 待审核 pending — 谁应提供 who owes what:")
            for m in r.missing:
                owners = "、".join(m.owners) or "—"
                out(f"  {m.code} {m.name} — {owners}")
                for piece in m.pieces:
                    out(f"    {piece.code} {piece.text}")
