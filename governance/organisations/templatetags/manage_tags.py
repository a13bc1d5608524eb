"""Template helpers of the Manage area."""

from django import template

from governance.organisations import selectors

register = template.Library()


@register.filter
def may_manage(user) -> bool:
    """Show the Manage link only to people who can use it."""
    return selectors.manages_anything(user)
