"""Template filters for money."""

from django import template

from budgets.money import gbp as _gbp

register = template.Library()


@register.filter
def gbp(value):
    """£1,234.50; -£1,234.50; — for none."""
    return _gbp(value)
