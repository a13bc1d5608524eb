"""Proposals and decision-register entries in search (registered from ``apps.ready``).

Visibility is the decisions app's own: ``proposals_visible_to`` for proposals, and for
register entries the rule of ``entries_showing_detail`` (public entries to all; a
confidential entry's detail only to those who may see its proposal).
"""

from __future__ import annotations

from django.db.models import Q

from governance import permissions
from governance.search.models import Audience, Kind
from governance.search.registry import Doc, SearchKind, register
from governance.search.text import plain


def _proposal_docs(proposal):
    from governance.search.services import pdf_text

    attachments = [
        plain(a.original_name, pdf_text(sha256=a.sha256, file=a.file))
        for a in proposal.attachments.all()
    ]
    orgs = [
        proposal.proposing_organisation_id,
        proposal.host_organisation_id,
        *proposal.affected_organisations.values_list("pk", flat=True),
    ]
    yield Doc(
        Audience.PRIVATE,
        f"{proposal.reference} {proposal.title}",
        plain(proposal.summary, proposal.rationale, proposal.options_considered, *attachments),
        f"/proposals/{proposal.pk}/",
        [o for o in orgs if o],
    )


def _proposals_visible(user):
    from decisions.selectors import proposals_visible_to

    return proposals_visible_to(user).values("pk")


def _entry_docs(entry):
    title = f"{entry.reference} {entry.title}"
    body = plain(entry.get_outcome_display(), entry.decided_by, entry.notes)
    url = f"/decisions/{entry.reference}/"
    yield Doc(Audience.PRIVATE, title, body, url)
    if not entry.is_confidential:
        yield Doc(Audience.PUBLIC, title, body, url, public_from=entry.decided_on)


def _entries_visible(user):
    from decisions.models import DecisionEntry
    from decisions.selectors import proposals_visible_to

    rule = Q(is_confidential=False) | Q(proposal__in=proposals_visible_to(user).values("pk"))
    if permissions.reads_everything(user):
        rule = Q()
    return DecisionEntry.objects.filter(rule).values("pk")


def _entries_public():
    from decisions.models import DecisionEntry

    return DecisionEntry.objects.filter(is_confidential=False).values("pk")


def register_kinds() -> None:
    from decisions.models import DecisionEntry, Proposal

    register(
        SearchKind(
            Kind.PROPOSAL,
            Proposal,
            _proposal_docs,
            _proposals_visible,
            all=lambda: Proposal.objects.prefetch_related("attachments"),
        )
    )
    register(
        SearchKind(
            Kind.DECISION,
            DecisionEntry,
            _entry_docs,
            _entries_visible,
            public=_entries_public,
            all=lambda: DecisionEntry.objects.all(),
        )
    )
