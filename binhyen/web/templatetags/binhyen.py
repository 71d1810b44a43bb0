"""Template helpers: numbers in the reader's language (1.234,5 in Vietnamese, 1,234.5 in English)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


def separators(language: str | None = None) -> tuple[str, str]:
    """(thousands, decimal) for a language."""
    lang = (language or get_language() or "vi").lower()
    return (".", ",") if lang.startswith("vi") else (",", ".")


@register.filter
def vn_number(value: Any, decimals: Any = None) -> str:
    """Group thousands and place the decimal mark as the current language writes numbers.

    `{{ n|vn_number }}` keeps integers whole and shows other numbers with up to 1 decimal;
    `{{ n|vn_number:2 }}` fixes the number of decimals. None and empty values show as "–".
    """
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if decimals in (None, ""):
        places = 0 if number == number.to_integral_value() else 1
    else:
        try:
            places = max(0, int(decimals))
        except (TypeError, ValueError):
            places = 0
    text = f"{number:,.{places}f}"
    thousands, decimal = separators()
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


@register.filter
def percent_of(part: Any, whole: Any) -> str:
    """`{{ x|percent_of:y }}` → "12,5 %" (vi) or "12.5%" (en); "–" when the whole is 0."""
    try:
        p, w = Decimal(str(part)), Decimal(str(whole))
    except (InvalidOperation, ValueError):
        return "–"
    if not w:
        return "–"
    value = vn_number(p * 100 / w, 1)
    return f"{value} %" if separators()[1] == "," else f"{value}%"



@register.filter
def index(sequence: Any, position: Any) -> Any:
    """`{{ values|index:i }}`: the i-th item, or "" when there is none."""
    try:
        return sequence[int(position)]
    except (IndexError, TypeError, ValueError, KeyError):
        return ""
