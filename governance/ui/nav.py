"""The header's navigation by role: only the areas the user may use, decided by the same
permission helpers the views use (no rules of its own)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from governance import permissions
from governance.organisations import selectors as org_selectors


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    current: bool = False


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _entries(user) -> list[tuple[str, str]]:
    if not _signed_in(user):
        return [
            ("Meetings", reverse("meetings:public")),
            ("Decisions", reverse("decisions:register")),
            ("Interests", reverse("interests:register")),
            ("Delegation", reverse("decisions:public-sord")),
            ("Search", reverse("search:public")),
        ]
    entries = [
        ("My tasks", reverse("signoffs:inbox")),
        ("Proposals", reverse("decisions:proposal-list")),
        ("Meetings", reverse("meetings:index")),
        ("Decisions", reverse("decisions:register")),
        ("Interests", reverse("interests:list")),
        ("Delegation", reverse("decisions:sord")),
        ("Funds", reverse("budgets:funds")),
        ("Envelope", reverse("budgets:envelopes")),
        ("Risks", reverse("risks:list")),
        ("Search", reverse("search:search")),
    ]
    if permissions.reads_everything(user) or permissions.organisation_ids(
        user, roles=permissions.TRAIL_READER_ROLES
    ):  # the audit trail's own selector rule: otherwise the page would be empty
        entries.append(("Audit", reverse("audit-trail")))
    if org_selectors.manages_organisations(user):
        entries.append(("Manage", reverse("manage:index")))
    elif org_selectors.manages_anything(user):
        entries.append(("My organisation", reverse("manage:index")))
    if permissions.reads_everything(user):  # viewflow's frontend: the same rule as its site
        entries.append(("Workflows", "/workflow/"))
    return entries


def items_for(user, path: str = "") -> list[NavItem]:
    """The links of the header, the one matching ``path`` (longest prefix) marked current."""
    entries = _entries(user)
    best = max(
        (href for _, href in entries if href != "/" and path.startswith(href)),
        key=len,
        default=None,
    )
    return [NavItem(label, href, href == best) for label, href in entries]


def acting_for(user) -> list[str]:
    """ "Organisation (role)" for each active membership, for the header."""
    if not _signed_in(user):
        return []
    memberships = permissions.active_memberships(user).select_related("organisation")
    return sorted({f"{m.organisation.name} ({m.get_role_display().lower()})" for m in memberships})
