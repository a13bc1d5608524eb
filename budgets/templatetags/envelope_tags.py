"""Money in the system envelope's tables: a true minus sign that never wraps away from
its figure (the whole amount is one no-break unit), for right-aligned money columns."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()

MINUS = "\u2212"


def money_text(value) -> str:
    """−£1,234.50 (U+2212 minus); — for none."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    sign = MINUS if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


@register.filter
def money(value):
    """A money cell's content: one unbreakable unit with a real minus sign."""
    return format_html('<span class="money">{}</span>', money_text(value))


@register.filter
def pct(value):
    if value is None:
        return "—"
    value = Decimal(value)
    sign = MINUS if value < 0 else ""
    return format_html('<span class="money">{}{}%</span>', sign, f"{abs(value):.2f}")
