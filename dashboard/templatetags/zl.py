"""Template helpers for the dashboard: statuses readable without colour, bilingual fields."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATUS = {
    "met": ("✔", _("met")),
    "not_met": ("✖", _("not met")),
    "missing": ("?", _("missing data")),
    "pending": ("○", _("pending review")),
    "not_applicable": ("–", _("not applicable")),
}
VERDICT = {
    "eligible": ("✔", _("Eligible to apply")),
    "not_eligible": ("✖", _("Not eligible")),
    "incomplete": ("⚠", _("Data incomplete")),
}
VALUE_STATUS = {
    "missing": ("?", _("owed")),
    "draft": ("✎", _("draft")),
    "submitted": ("○", _("submitted")),
    "returned": ("↩", _("returned")),
    "approved": ("✔", _("approved")),
}


def _badge(kind: str, key: str, table: dict) -> str:
    icon, word = table.get(key, ("", key))
    return format_html(
        '<span class="badge badge-{} badge-{}"><span aria-hidden="true">{}</span> {}</span>',
        kind,
        key,
        icon,
        word,
    )


@register.simple_tag
def status_badge(status: str) -> str:
    return _badge("status", status, STATUS)


@register.simple_tag
def value_status_badge(status: str) -> str:
    return _badge("value", status, VALUE_STATUS)


@register.simple_tag
def verdict_label(verdict: str) -> str:
    return VERDICT.get(verdict, ("", verdict))[1]


@register.simple_tag
def verdict_icon(verdict: str) -> str:
    return VERDICT.get(verdict, ("", ""))[0]


def english() -> bool:
    return (get_language() or "").startswith("en")


def _field(item, key: str):
    """A field of a dict, a result object or a model alike."""
    if isinstance(item, dict):
        return item.get(key)
    return getattr(item, key, None)


@register.simple_tag
def bi(item, key: str):
    """The English variant of a field (``key_en``) when the page is in English and it exists."""
    if english():
        value = _field(item, f"{key}_en")
        if value:
            return value
    return _field(item, key) or ""


@register.filter
def bilist(item, key: str) -> str:
    values = _field(item, f"{key}_en") if english() else None
    values = values or _field(item, key) or []
    return ("、" if not english() else ", ").join(values)


@register.filter
def pct(ratio, decimals: int = 1) -> str:
    """A ratio as a percentage, rounded half up like the charts: 0.30769 → 30.8%."""
    if ratio in (None, ""):
        return "—"
    quantum = Decimal(1).scaleb(-int(decimals))
    value = (Decimal(str(ratio)) * 100).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{number_format(value, decimal_pos=int(decimals))}%"


@register.filter
def local_name(obj) -> str:
    """A model's English name when the page is in English and it has one."""
    return (english() and getattr(obj, "name_en", "")) or obj.name


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def join_years(years) -> str:
    return ", ".join(str(y) for y in years or [])
