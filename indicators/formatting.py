"""How values read for people: the same rules everywhere (admin, Excel, pages)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _


def format_number(value: Decimal, decimals: int) -> str:
    """Round to ``decimals`` places, then drop trailing zeros: 97.0 → 97, 31.20 → 31.2."""
    quantum = Decimal(1).scaleb(-decimals)
    text = f"{value.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_value(element, value: Decimal | None, answer: bool | None) -> str:
    if answer is not None:
        return _("yes") if answer else _("no")
    if value is None:
        return "—"
    number = format_number(value, element.decimals)
    if element.unit == "%":
        return f"{number}%"
    return f"{number} {element.unit}".strip()
