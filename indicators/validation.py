"""Checks on a value that every entry path shares (admin form, grid, Excel, API)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators.choices import ValueKind
from indicators.formatting import format_number
from indicators.models import DataElement

MAX_DECIMAL_PLACES = 4
MAX_INTEGER_DIGITS = 12  # IndicatorValue.value keeps 16 digits, 4 of them decimals


THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def parse_number(raw) -> Decimal:
    """A Decimal from a form, a cell or JSON; raises ValueError with a message for people."""
    if isinstance(raw, bool):
        raise ValueError(_("Enter a number, not yes/no."))
    if isinstance(raw, (int, Decimal, float)):
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if not number.is_finite():  # e.g. 1e309 read from JSON or a cell
            raise ValueError(_("“%(text)s” is not a number.") % {"text": raw})
        return number
    text = str(raw).strip().replace("，", ",")
    if text.endswith("%"):
        text = text[:-1].strip()
    if "," in text:
        # A comma is read as a thousands separator only where it is one ("1,234.5"); "5,5"
        # (a decimal comma) would otherwise silently become 55.
        if not THOUSANDS.fullmatch(text):
            raise ValueError(
                _("“%(text)s”: use a decimal point (5.5, not 5,5); commas only group thousands.")
                % {"text": raw}
            )
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(text)s” is not a number.") % {"text": raw}) from None
    if not number.is_finite():
        raise ValueError(_("“%(text)s” is not a number.") % {"text": raw})
    return number


YES_WORDS = {"是", "yes", "y", "true", "1", "有", "已建立", "已实施"}
NO_WORDS = {"否", "no", "n", "false", "0", "无"}


def parse_answer(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise ValueError(_("Answer 是 (yes) or 否 (no), not “%(text)s”.") % {"text": raw})


def value_errors(element: DataElement, value: Decimal | None, answer: bool | None) -> list[str]:
    """Everything wrong with this value for this data element, as messages for people."""
    if element.value_kind == ValueKind.BOOLEAN:
        if value is not None:
            return [_("This indicator takes a yes/no answer, not a number.")]
        return []
    if answer is not None:
        return [_("This indicator takes a number, not a yes/no answer.")]
    if value is None:
        return []
    errors = []
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMAL_PLACES:
        errors.append(
            _("At most %(places)d decimal places are allowed.") % {"places": MAX_DECIMAL_PLACES}
        )
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        # Elements without a plausible maximum would otherwise overflow the column. Nothing
        # else is said of such a number: rounding it for a message (1e25, 29 digits) would
        # exceed the decimal context's precision and raise InvalidOperation.
        errors.append(
            _("A value has at most %(digits)d digits before the decimal point.")
            % {"digits": MAX_INTEGER_DIGITS}
        )
        return errors
    if element.value_kind == ValueKind.PERCENTAGE and not Decimal(0) <= value <= Decimal(100):
        errors.append(_("A percentage lies between 0 and 100."))
    low, high = element.plausible_min, element.plausible_max
    if (low is not None and value < low) or (high is not None and value > high):
        errors.append(
            _("%(value)s is outside the plausible range %(low)s – %(high)s %(unit)s.")
            % {
                "value": format_number(value, MAX_DECIMAL_PLACES),
                "low": "−∞" if low is None else format_number(low, element.decimals),
                "high": "∞" if high is None else format_number(high, element.decimals),
                "unit": element.unit,
            }
        )
    return errors


def is_large_change(element: DataElement, value: Decimal | None, previous: Decimal | None) -> bool:
    """A change against the previous year beyond the element's plausibility band."""
    if value is None or previous is None or previous == 0:
        return False
    return abs(value - previous) > element.plausibility_band * abs(previous)
