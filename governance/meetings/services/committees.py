"""Committees and their members, run by the ICB secretariat in the app (the Django admin
only shows them). A committee's kind says what its members are and how quorum and votes
count (``quorum.KIND_RULES``); its member organisations, and for committees in common
the bodies meeting together, are set with it."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction

from governance import validators
from governance.audit.services import diff, snapshot
from governance.meetings import policy, quorum
from governance.meetings.models import (
    Committee,
    CommitteeInCommon,
    CommitteeKind,
    CommitteeMember,
    CommitteeOrganisation,
    CommitteeRole,
)
from governance.meetings.services._common import Errors, audit, require_manager
from governance.search.services import search_index_committee

FIELDS = (
    "name",
    "kind",
    "organisation",
    "parent",
    "terms_of_reference",
    "quorum_min_members",
    "quorum_fraction",
    "quorum_required_roles",
    "chair_has_casting_vote",
    "papers_due_days",
    "publication_clear_days",
    "is_active",
    "place",
    "quorum_each_organisation",
    "majority_fraction",
)
LINKS = ("organisations", "bodies")
MEMBER_FIELDS = ("user", "organisation", "role", "title", "is_voting", "valid_from", "valid_to")


def _fraction(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        return "invalid"


def _validate(c: Committee, organisations=None, bodies=None) -> None:
    """``organisations`` and ``bodies``: the member organisations and bodies in common
    the committee will have (None: unchanged)."""
    errors = Errors()
    c.place = (c.place or "").strip()
    c.name = (c.name or "").strip()
    if not c.name:
        errors.add("name", "Give the committee a name.")
    elif problem := validators.plain_text_message(
        c.name, multiline=False, max_length=validators.NAME_MAX
    ):
        errors.add("name", problem)
    elif Committee.objects.filter(name__iexact=c.name).exclude(pk=c.pk).exists():
        errors.add("name", "A committee with this name already exists.")
    if c.kind not in CommitteeKind.values:
        errors.add("kind", "Choose the kind of committee.")
    if c.quorum_fraction == "invalid":
        errors.add("quorum_fraction", "Enter a fraction such as 0.5.")
        c.quorum_fraction = None
    if c.majority_fraction == "invalid":
        errors.add("majority_fraction", "Enter a fraction such as 0.667.")
        c.majority_fraction = None
    elif c.majority_fraction is not None and not (
        Decimal("0.5") <= c.majority_fraction <= Decimal("1")
    ):
        errors.add("majority_fraction", "A majority is a fraction from 0.5 to 1.")
    orgs = (
        list(organisations)
        if organisations is not None
        else (list(c.organisations.all()) if c.pk else [])
    )
    group = list(bodies) if bodies is not None else (list(c.bodies.all()) if c.pk else [])
    if c.kind == CommitteeKind.PLACE_PARTNERSHIP and not c.place:
        errors.add("place", "Name the place the partnership serves.")
    if c.kind in (CommitteeKind.ICP_ASSEMBLY, CommitteeKind.JOINT_COMMITTEE) and len(orgs) < 2:
        errors.add(
            "organisations",
            "Choose the member organisations (at least two): the partners of an ICP, the "
            "parties to a joint committee.",
        )
    if c.kind == CommitteeKind.COMMITTEES_IN_COMMON:
        if len(group) < 2:
            errors.add("bodies", "Choose the bodies meeting in common (at least two).")
        for body in group:
            if body.pk == c.pk:
                errors.add("bodies", "A committee cannot meet in common with itself.")
            elif body.kind == CommitteeKind.COMMITTEES_IN_COMMON:
                errors.add("bodies", f"{body.name} is itself a committees-in-common group.")
    elif group:
        errors.add("bodies", "Only committees in common have bodies meeting together.")
    if not isinstance(c.quorum_required_roles, dict):
        errors.add("quorum_required_roles", "Give the roles as a mapping of role to number.")
        c.quorum_required_roles = {}
    rule = quorum.QuorumRule(c.quorum_min_members, c.quorum_fraction, c.quorum_required_roles)
    for field, message in quorum.validate_rule(rule, CommitteeRole.values).items():
        errors.add(field, message)
    if c.parent_id and c.parent_id == c.pk:
        errors.add("parent", "A committee cannot report to itself.")
    if (c.papers_due_days or 0) > 90:
        errors.add("papers_due_days", "Papers can be due at most 90 days before.")
    if (c.publication_clear_days or 0) > 60:
        errors.add("publication_clear_days", "Publish at most 60 clear days before.")
    errors.raise_if_any()


def _links(c: Committee) -> dict:
    return {
        "organisations": sorted(c.organisations.values_list("pk", flat=True)),
        "bodies": sorted(c.bodies.values_list("pk", flat=True)),
    }


def _set_links(c: Committee, organisations, bodies) -> None:
    if organisations is not None:
        wanted = {o.pk for o in organisations}
        CommitteeOrganisation.objects.filter(committee=c).exclude(
            organisation_id__in=wanted
        ).delete()
        have = set(c.organisations.values_list("pk", flat=True))
        for pk in sorted(wanted - have):
            CommitteeOrganisation.objects.create(committee=c, organisation_id=pk)
    if bodies is not None:
        wanted = {b.pk for b in bodies}
        CommitteeInCommon.objects.filter(group=c).exclude(body_id__in=wanted).delete()
        have = set(c.bodies.values_list("pk", flat=True))
        for pk in sorted(wanted - have):
            CommitteeInCommon.objects.create(group=c, body_id=pk)


@transaction.atomic
def committee_create(
    *, actor, name: str, kind: str, organisation, organisations=(), bodies=(), **fields
) -> Committee:
    """Create a committee with its member organisations and (committees in common) the
    bodies meeting together."""
    if not policy.can_create_committee(actor):
        raise PermissionDenied("Only the ICB secretariat creates committees.")
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    fields["quorum_fraction"] = _fraction(fields.get("quorum_fraction"))
    fields["majority_fraction"] = _fraction(fields.get("majority_fraction"))
    c = Committee(name=name, kind=kind, organisation=organisation, **fields)
    organisations, bodies = list(organisations or ()), list(bodies or ())
    _validate(c, organisations, bodies)
    c.save()
    _set_links(c, organisations, bodies)
    audit(
        actor,
        "committee.created",
        c,
        c,
        {**diff(None, snapshot(c, FIELDS)), **diff(None, _links(c))},
    )
    return c


@transaction.atomic
def committee_update(
    *, actor, committee: Committee, reason: str = "", organisations=None, bodies=None, **fields
) -> Committee:
    """Change a committee; ``organisations`` / ``bodies`` (if given) replace its member
    organisations / bodies in common."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    c = Committee.objects.select_for_update().get(pk=committee.pk)
    require_manager(actor, c)
    if "organisation" in fields and not policy.can_create_committee(actor):
        raise PermissionDenied("Only the ICB secretariat moves a committee to another host.")
    before = {**snapshot(c, FIELDS), **_links(c)}
    for key in ("quorum_fraction", "majority_fraction"):
        if key in fields:
            fields[key] = _fraction(fields[key])
    for key, value in fields.items():
        setattr(c, key, value)
    organisations = list(organisations) if organisations is not None else None
    bodies = list(bodies) if bodies is not None else None
    _validate(c, organisations, bodies)
    c.save()
    _set_links(c, organisations, bodies)
    changes = diff(before, {**snapshot(c, FIELDS), **_links(c)})
    if changes:
        audit(actor, "committee.updated", c, c, changes, reason)
    if {"name", "publication_clear_days"} & set(changes):
        search_index_committee(c)  # in its papers' and minutes' titles and public dates
    return c


def _validate_member(m: CommitteeMember) -> None:
    errors = Errors()
    if m.role not in CommitteeRole.values:
        errors.add("role", "Choose the member's role on the committee.")
    if m.valid_from is None:
        errors.add("valid_from", "Give the date the membership starts.")
    elif m.valid_to is not None and m.valid_to < m.valid_from:
        errors.add("valid_to", "The last day cannot be before the first.")
    if m.user_id and not m.user.is_active:
        errors.add("user", "This account is not active.")
    partners = set(m.committee.organisations.values_list("pk", flat=True))
    if (
        m.committee.kind in (CommitteeKind.ICP_ASSEMBLY, CommitteeKind.JOINT_COMMITTEE)
        and partners
        and m.organisation_id not in partners
    ):
        errors.add(
            "organisation",
            "A member represents one of the committee's member organisations.",
        )
    if m.user_id and m.valid_from:
        overlapping = CommitteeMember.objects.filter(committee=m.committee, user=m.user).exclude(
            pk=m.pk
        )
        for other in overlapping:
            ends = other.valid_to or datetime.date.max
            mine_ends = m.valid_to or datetime.date.max
            if other.valid_from <= mine_ends and m.valid_from <= ends:
                errors.add("user", "This person already has a seat on the committee then.")
                break
    if m.role in ("chair", "vice_chair") and m.valid_from:
        holders = CommitteeMember.objects.filter(committee=m.committee, role=m.role).exclude(
            pk=m.pk
        )
        for other in holders:
            ends = other.valid_to or datetime.date.max
            if other.valid_from <= (m.valid_to or datetime.date.max) and m.valid_from <= ends:
                errors.add("role", f"The committee already has a {m.get_role_display().lower()}.")
                break
    errors.raise_if_any()


@transaction.atomic
def member_add(
    *,
    actor,
    committee: Committee,
    user,
    organisation,
    role: str,
    title: str = "",
    is_voting: bool = True,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> CommitteeMember:
    require_manager(actor, committee)
    m = CommitteeMember(
        committee=committee,
        user=user,
        organisation=organisation,
        role=role,
        title=(title or "").strip(),
        is_voting=bool(is_voting),
        valid_to=valid_to,
    )
    if valid_from is not None:
        m.valid_from = valid_from
    _validate_member(m)
    m.save()
    audit(actor, "committee.member_added", m, committee, diff(None, snapshot(m, MEMBER_FIELDS)))
    return m


@transaction.atomic
def member_update(*, actor, member: CommitteeMember, reason: str = "", **fields) -> CommitteeMember:
    allowed = set(MEMBER_FIELDS) - {"user"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    m = CommitteeMember.objects.select_for_update().get(pk=member.pk)
    require_manager(actor, m.committee)
    before = snapshot(m, MEMBER_FIELDS)
    for key, value in fields.items():
        setattr(m, key, value)
    _validate_member(m)
    changes = diff(before, snapshot(m, MEMBER_FIELDS))
    if changes:
        m.save()
        audit(actor, "committee.member_updated", m, m.committee, changes, reason)
    return m


def member_end(*, actor, member: CommitteeMember, last_day: datetime.date, reason: str = ""):
    return member_update(actor=actor, member=member, valid_to=last_day, reason=reason)
