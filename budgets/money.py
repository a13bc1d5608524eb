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


# Longer text is not an amount we could store (and is not worth parsing).
MAX_TEXT = 40
# Anything this far out (e.g. 1E+400 or 1E-400) is refused before arithmetic, which
# would otherwise overflow the decimal context (InvalidOperation).
MAX_ADJUSTED_EXPONENT = 15
MIN_ADJUSTED_EXPONENT = -15


def _parse(value, field: str, example: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValidationError({field: f"Enter an amount, e.g. {example}."})
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).replace(",", "").replace("£", "").replace("%", "").strip()
        if len(text) > MAX_TEXT:
            raise ValidationError({field: f"Enter an amount, e.g. {example} (this is too long)."})
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValidationError({field: f"Enter an amount, e.g. {example}."}) from None
    if not amount.is_finite():
        raise ValidationError({field: f"Enter an amount, e.g. {example}."})
    return amount


def _too_large(amount: Decimal) -> bool:
    return bool(amount) and amount.adjusted() > MAX_ADJUSTED_EXPONENT


def _too_precise(amount: Decimal) -> bool:
    if amount and amount.adjusted() < MIN_ADJUSTED_EXPONENT:
        return True
    return amount != amount.quantize(PENNY)


def money(value, field: str = "amount", *, positive: bool = False) -> Decimal:
    """``value`` as pounds and pence; refuses negative, over-precise and huge amounts
    (and zero when ``positive``)."""
    amount = _parse(value, field, "125000.00")
    if amount < 0:
        raise ValidationError({field: "The amount cannot be negative."})
    if positive and amount == 0:
        raise ValidationError({field: "The amount must be more than £0.00."})
    if _too_large(amount) or amount > MAX_AMOUNT:
        raise ValidationError({field: "The amount is too large (at most £999,999,999,999.99)."})
    if _too_precise(amount):
        raise ValidationError({field: "Amounts are in pounds and pence: at most 2 decimal places."})
    return amount.quantize(PENNY)


def percent(value, field: str = "share") -> Decimal:
    """A percentage from 0 to 100 with at most two decimal places."""
    share = _parse(value, field, "35.00")
    if share < 0 or share > HUNDRED:
        raise ValidationError({field: "A share is a percentage from 0 to 100."})
    if _too_precise(share):
        raise ValidationError({field: "Shares have at most 2 decimal places."})
    return share.quantize(PENNY)


def gbp(amount: Decimal | None) -> str:
    """£1,234.50 (and -£1,234.50)."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
