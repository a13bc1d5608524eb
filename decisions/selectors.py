"""Read paths for proposals and the decision register. The visibility rule lives here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from decisions.models import DecisionEntry, Proposal, ProposalStatus
from governance import permissions

VIEW_PERM = "decisions.view_proposal"


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """Who sees a proposal:
    - auditors, superusers and the ICB secretariat: all;
    - its creator: always;
    - every signed-in user: non-confidential proposals once submitted;
    - the parties (proposing, host and affected organisations, every role): the rest,
      confidential ones included, through object permissions granted to their groups.
    Nobody else, and no anonymous user (the public see the decision register only).
    """
    qs = Proposal.objects.select_related(
        "decision_type", "proposing_organisation", "host_organisation", "lead_officer"
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if permissions.reads_everything(user):
        return qs
    return qs.filter(
        Q(created_by=user)
        | (Q(is_confidential=False) & ~Q(status=ProposalStatus.DRAFT))
        | Q(pk__in=permissions.granted_ids(user, VIEW_PERM, Proposal))
    )


def can_view(user, proposal: Proposal) -> bool:
    return proposals_visible_to(user).filter(pk=proposal.pk).exists()


def register_entries() -> QuerySet[DecisionEntry]:
    """The whole decision register (public and confidential entries).

    Confidential entries must be shown to the public (and to non-parties) as reference,
    date and exemption reason only: use ``entry_shows_detail`` to decide.
    """
    return DecisionEntry.objects.select_related(
        "proposal", "delegation__version", "sord_version"
    ).order_by("-decided_on", "-reference")


def entry_shows_detail(user, entry: DecisionEntry) -> bool:
    if not entry.is_confidential:
        return True
    if entry.proposal_id is None:
        return permissions.reads_everything(user)
    return can_view(user, entry.proposal)


def proposals_awaiting_secretariat(user) -> QuerySet[Proposal]:
    """Proposals waiting for the ICB secretariat: submitted for review, or ready for the
    board's (or a committee's) decision to be recorded. Empty for everyone else."""
    if not permissions.is_system_secretariat(user):
        return Proposal.objects.none()
    return proposals_visible_to(user).filter(
        status__in=[ProposalStatus.SUBMITTED, ProposalStatus.READY_FOR_DECISION]
    )


def entries_showing_detail(user, entries) -> set[int]:
    """Ids of the ``entries`` whose detail ``user`` may see: the same rule as
    ``entry_shows_detail``, answered for a whole page (or CSV) with one query."""
    entries = list(entries)
    confidential = [e.proposal_id for e in entries if e.is_confidential and e.proposal_id]
    visible = (
        set(proposals_visible_to(user).filter(pk__in=confidential).values_list("pk", flat=True))
        if confidential
        else set()
    )
    everything = bool(confidential) and permissions.reads_everything(user)
    return {
        e.pk
        for e in entries
        if not e.is_confidential or (e.proposal_id in visible if e.proposal_id else everything)
    }


def chairs_actions_for_report(committee, since, until) -> list[dict]:
    """``governance.meetings.reports`` source: the chair's actions taken for ``committee``
    since its previous meeting, for report at the next one. Members see them in the run
    page, pack and minutes; a confidential proposal is named only by its reference."""
    from decisions.models import ChairsAction

    actions = ChairsAction.objects.filter(committee=committee, decided_on__lte=until)
    if since is not None:
        actions = actions.filter(decided_on__gte=since)
    rows = []
    for a in actions.select_related("proposal", "chair", "second_member").order_by("decided_on"):
        p = a.proposal
        title = f"{p.reference} (confidential)" if p.is_confidential else f"{p.reference} {p.title}"
        rows.append(
            {
                "label": title,
                "url": f"/proposals/{p.pk}/",
                "date": a.decided_on,
                "summary": f"{a.get_outcome_display()} by chair's action of "
                f"{a.chair.get_full_name() or a.chair.get_username()} with "
                f"{a.second_member.get_full_name() or a.second_member.get_username()}. "
                + ("" if p.is_confidential else f"Reason: {a.reason}"),
            }
        )
    return rows
