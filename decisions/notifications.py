"""E-mails about proposals (after commit only)."""

from __future__ import annotations

from governance.notifications import notify_after_commit
from governance.signoffs.notifications import signatories_of, system_secretariat


def _proposer_side(p):
    return [u for u in (p.created_by, p.lead_officer) if u is not None]


def returned(p) -> None:
    notify_after_commit(
        f"{p.reference} returned: {p.title}",
        f"The secretariat returned {p.reference} for revision.\n\nReason: {p.return_reason}\n\n"
        "Revise it and submit it again.",
        _proposer_side(p),
    )


def decided(p, entry) -> None:
    notify_after_commit(
        f"{p.reference} {entry.get_outcome_display().lower()}: {p.title}",
        f"{p.reference} was {entry.get_outcome_display().lower()} on {entry.decided_on:%d %B %Y} "
        f"by {entry.decided_by}.",
        _proposer_side(p),
    )


def ready_for_decision(p) -> None:
    """Tell whoever now decides: the officer post's holders, or the committee's chair and
    the ICB secretariat (who table it)."""
    from decisions import authority
    from decisions.models import DecidedBy

    band = p.sord_band
    if band.decided_by == DecidedBy.OFFICER:
        deciders = authority.holders(band)
        body = (
            f"Partner sign-off of {p.reference} ({p.title}) is complete. Under SoRD "
            f"v{band.version.number} the decision is delegated to the {band.officer_post.title}"
            ": record it, with your reason, on the proposal's page."
        )
    else:
        deciders = authority.chairs(band.committee) + list(system_secretariat())
        body = (
            f"Partner sign-off of {p.reference} ({p.title}) is complete. Under SoRD "
            f"v{band.version.number} it is reserved to the {band.committee.name}: table it at "
            "its next meeting (or, if it cannot wait, the chair may take chair's action)."
        )
    notify_after_commit(
        f"{p.reference} ready for decision by {p.decider_label}",
        body,
        list(deciders) + _proposer_side(p),
    )


def signoff_restarted(p, reason: str) -> None:
    users = list(_proposer_side(p))
    for org in p.affected_organisations.all():
        users.extend(signatories_of(org))
    notify_after_commit(
        f"{p.reference} changed: sign-off starts again",
        f"{p.reference} ({p.title}) was edited after sign-off began, so earlier sign-offs no "
        f"longer apply.\n\nReason: {reason}",
        users,
    )
