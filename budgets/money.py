"""Parsing and checking amounts of money and percentages: Decimal only, never float.

Every amount is pounds and pence (``Decimal``, two decimal places, at most
£999,999,999,999.99 to fit ``DecimalField(max_digits=14, decimal_places=2)``). Bad
input raises ``ValidationError`` naming the field, so forms and the API show the
message next to it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

PENNY = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
HUNDRED = Decimal("100")


def _parse(value, field: str, example: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValidationError({field: f"Enter an amount, e.g. {example}."})
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).replace(",", "").replace("£", "").replace("%", "").strip()
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValidationError({field: f"Enter an amount, e.g. {example}."}) from None
    if not amount.is_finite():
        raise ValidationError({field: f"Enter an amount, e.g. {example}."})
    return amount


def money(value, field: str = "amount", *, positive: bool = False) -> Decimal:
    """``value`` as pounds and pence; refuses negative, over-precise and huge amounts
    (and zero when ``positive``)."""
    amount = _parse(value, field, "125000.00")
    if amount < 0:
        raise ValidationError({field: "The amount cannot be negative."})
    if positive and amount == 0:
        raise ValidationError({field: "The amount must be more than £0.00."})
    if amount != amount.quantize(PENNY):
        raise ValidationError({field: "Amounts are in pounds and pence: at most 2 decimal places."})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: "The amount is too large (at most £999,999,999,999.99)."})
    return amount.quantize(PENNY)


def percent(value, field: str = "share") -> Decimal:
    """A percentage from 0 to 100 with at most two decimal places."""
    share = _parse(value, field, "35.00")
    if share < 0 or share > HUNDRED:
        raise ValidationError({field: "A share is a percentage from 0 to 100."})
    if share != share.quantize(PENNY):
        raise ValidationError({field: "Shares have at most 2 decimal places."})
    return share.quantize(PENNY)


def gbp(amount: Decimal | None) -> str:
    """£1,234.50 (and -£1,234.50)."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
