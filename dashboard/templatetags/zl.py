"""Template helpers for the dashboard: statuses readable without colour, bilingual fields."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.text import capfirst

from assessments.choices import Progress, Status, Verdict
from indicators.choices import ValueState
from zhonglou.bilingual import localized, localized_list
from zhonglou.choices import icon_and_word

register = template.Library()


def _badge(kind: str, key: str, enum, title: str = "") -> str:
    icon, word = icon_and_word(enum, key)
    return format_html(
        '<span class="badge badge-{} badge-{}"{}><span aria-hidden="true">{}</span> {}</span>',
        kind,
        key,
        format_html(' title="{}"', title) if title else "",
        icon,
        word,
    )


@register.simple_tag
def status_badge(status: str) -> str:
    return _badge("status", status, Status)


@register.simple_tag
def value_status_badge(status: str) -> str:
    """草稿 / 已退回 / 待审核 / 已通过 / 待填报, saying who holds the value (in the title)."""
    try:
        held_by = ValueState(status).held_by
    except ValueError:
        held_by = ""
    return _badge("value", status, ValueState, held_by)


@register.simple_tag
def progress_badge(status: str) -> str:
    """已达标 / 按期可达 / 需加快 / 进展有限 / 恶化 (assessments.scoring.projection)."""
    return _badge("progress", status, Progress)


@register.simple_tag
def verdict_label(verdict: str) -> str:
    return capfirst(icon_and_word(Verdict, verdict)[1])


@register.simple_tag
def verdict_icon(verdict: str) -> str:
    return icon_and_word(Verdict, verdict)[0]


register.filter("localized", localized)
register.filter("localized_list", localized_list)


@register.filter
def pct(ratio, decimals: int = 1) -> str:
    """A ratio as a percentage, rounded half up like the charts: 0.30769 → 30.8%."""
    if ratio in (None, ""):
        return "—"
    quantum = Decimal(1).scaleb(-int(decimals))
    value = (Decimal(str(ratio)) * 100).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{number_format(value, decimal_pos=int(decimals))}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def join_years(years) -> str:
    return ", ".join(str(y) for y in years or [])


@register.filter
def signed_pct(rate, decimals: int = 2) -> str:
    """A growth rate (a fraction) as a signed percentage: 0.05 → +5.00%."""
    if rate in (None, ""):
        return "—"
    value = (Decimal(rate) * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{'+' if value > 0 else ''}{number_format(value, decimal_pos=decimals)}%"


@register.filter
def plain(number) -> str:
    """A decimal without trailing zeros: 88.2000 → 88.2, 90 → 90."""
    if number in (None, ""):
        return "—"
    number = Decimal(number)
    return "0" if number == 0 else f"{number.normalize():f}"
