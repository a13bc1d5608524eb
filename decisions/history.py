"""Decision histories of proposals and SoRD versions, and the decision register's part in
every other subject's history (found by ``governance.history`` autodiscovery)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404
from django.urls import reverse

from decisions import selectors, selectors_sord
from decisions.models import DecisionEntry, Proposal, SordVersion
from decisions.views.timeline import FIELD_LABELS
from governance.history import registry
from governance.history.registry import Fact, HistoryProvider, Related


def _band_text(band, version) -> str:
    text = f"{version}, band: {band}" if version is not None else str(band)
    return text


def entry_facts(entry: DecisionEntry) -> list[Fact]:
    """What the register says: the outcome, who decided, when, under which delegation."""
    url = reverse("decisions:register-entry", args=[entry.reference])
    facts = [
        Fact("Decision register", f"{entry.reference}: {entry.get_outcome_display()}", url),
        Fact("Decided by", entry.decided_by),
        Fact("Decided on", f"{entry.decided_on.day} {entry.decided_on:%B %Y}"),
    ]
    if entry.delegation_id:
        facts.append(Fact("Decided under", _band_text(entry.delegation, entry.sord_version)))
    elif entry.sord_version_id:
        facts.append(Fact("Decided under", str(entry.sord_version)))
    for conflict in entry.conflicts or []:
        if isinstance(conflict, dict):
            text = "; ".join(str(v) for v in conflict.values() if v not in (None, ""))
        else:
            text = str(conflict)
        facts.append(Fact("Conflict recorded in the register", text))
    return facts


def _proposal_related(proposal: Proposal, user) -> Related:
    entry = (
        DecisionEntry.objects.filter(proposal=proposal)
        .select_related(
            "delegation__decision_type",
            "delegation__committee",
            "delegation__officer_post",
            "sord_version",
        )
        .first()
    )
    attachments = list(proposal.attachments.all())
    chairs_actions = list(proposal.chairs_actions.all())
    facts = [Fact("Value", f"£{proposal.financial_value:,.2f}")]
    if proposal.sord_band_id:
        band = proposal.sord_band
        facts.append(Fact("Delegation (SoRD)", _band_text(band, band.version)))
    if proposal.is_confidential:
        facts.append(Fact("Confidential", proposal.exemption_reason or "Yes"))
    records = [*attachments, *chairs_actions]
    if entry is not None:
        records.append(entry)
        facts.extend(entry_facts(entry))
    confidential = attachments if proposal.is_confidential else []
    if entry is not None and entry.is_confidential:  # its full register entry's readers
        confidential = [*confidential, entry]
    return Related(records=records, facts=facts, confidential=confidential)


def subject_entries(subject, user) -> Related:
    """Contributor: the register entries citing a subject that is not a proposal."""
    if isinstance(subject, Proposal | DecisionEntry):
        return registry.NOTHING
    content_type = ContentType.objects.get_for_model(subject)
    entries = list(
        DecisionEntry.objects.filter(subject_type=content_type, subject_id=subject.pk)
        .select_related(
            "delegation__decision_type",
            "delegation__committee",
            "delegation__officer_post",
            "sord_version",
        )
        .order_by("decided_on", "pk")
    )
    facts = [fact for entry in entries for fact in entry_facts(entry)]
    return Related(records=entries, facts=facts)


def _version_related(version: SordVersion, user) -> Related:
    facts = [Fact("Status", version.get_status_display())]
    if version.effective_from:
        facts.append(
            Fact("In force from", f"{version.effective_from.day} {version.effective_from:%B %Y}")
        )
    if version.based_on_id:
        facts.append(Fact("Based on", str(version.based_on)))
    minute = selectors_sord.adoption_minute(version)
    if minute:
        facts.append(Fact("Adopted by the board (minute)", minute))
    records = []
    if version.proposal_id and selectors.can_view(user, version.proposal):
        proposal = version.proposal
        url = reverse("history:detail", args=["proposal", proposal.pk])
        facts.append(Fact("Taken to the board by", str(proposal), url))
        records.append(proposal)
        entry = (
            DecisionEntry.objects.filter(proposal=proposal)
            .select_related("delegation", "sord_version")
            .first()
        )
        if entry is not None:
            records.append(entry)
            facts.extend(entry_facts(entry))
    return Related(records=records, facts=facts)


registry.register(
    HistoryProvider(
        slug="proposal",
        model=Proposal,
        noun="proposal",
        get=lambda user, pk: get_object_or_404(selectors.proposals_visible_to(user), pk=pk),
        url=lambda p: reverse("decisions:proposal-detail", args=[p.pk]),
        label=lambda p: f"{p.reference} {p.title}",
        related=_proposal_related,
        field_labels=FIELD_LABELS,
    )
)
registry.register(
    HistoryProvider(
        slug="sord-version",
        model=SordVersion,
        noun="scheme of reservation and delegation",
        get=lambda user, pk: get_object_or_404(selectors_sord.versions_visible_to(user), pk=pk),
        url=lambda v: reverse("decisions:sord-version", args=[v.number]),
        label=str,
        related=_version_related,
        is_confidential=lambda v: False,
    )
)
registry.register_contributor(subject_entries)
