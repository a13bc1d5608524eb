"""A proposal's timeline: every audited event about it, in order, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from decisions.models import DecisionEntry, ProposalStatus
from governance.audit.selectors import events_for
from governance.audit.sentences import register as register_sentences
from governance.audit.sentences import sentence
from governance.organisations.models import Organisation

VERBS = {
    "proposal.created": "Raised as a draft",
    "proposal.updated": "Edited",
    "proposal.attachment_added": "Paper attached",
    "proposal.submitted": "Submitted for secretariat review",
    "proposal.resubmitted": "Resubmitted after revision",
    "proposal.accepted": "Accepted by the secretariat; partner sign-off requested",
    "proposal.returned": "Returned to the proposer",
    "proposal.signoff_restarted": "Sign-off restarted after a change",
    "proposal.rejected_at_signoff": "Rejected at partner sign-off",
    "proposal.decided_by_officer": "Approved by the delegated officer",
    "proposal.ready_for_decision": "Partner sign-off complete: ready for decision",
    "proposal.chairs_action": "Chair's action taken",
    "proposal.approved": "Decision recorded: approved",
    "proposal.rejected": "Decision recorded: rejected",
    "proposal.withdrawn": "Withdrawn",
    "decision.registered": "Entered in the decision register",
}
# One place for every event's sentence (the sign-off verbs are the core's own).
register_sentences(VERBS)

FIELD_LABELS = {
    "title": "title",
    "summary": "summary",
    "rationale": "rationale",
    "options_considered": "options considered",
    "financial_value": "financial value",
    "decision_type": "type of decision",
    "is_confidential": "confidentiality",
    "exemption_reason": "exemption reason",
    "host_organisation": "host organisation",
    "lead_officer": "lead officer",
    "affected_organisations": "organisations bound",
    "named_organisations": "organisations named",
    "proposing_organisation": "proposing organisation",
    "status": "status",
}


@dataclass(frozen=True)
class Event:
    seq: int
    when: datetime
    who: str
    organisation: str
    what: str
    why: str
    detail: str


def _status_label(value) -> str:
    try:
        return ProposalStatus(value).label
    except ValueError:
        return str(value)


def _pounds(value) -> str:
    try:
        return f"£{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def _org_names(ids) -> str:
    names = Organisation.objects.filter(pk__in=ids or []).order_by("name")
    return ", ".join(o.name for o in names) or "none"


def _detail(verb: str, changes: dict) -> str:
    if verb == "proposal.created":
        value = changes.get("financial_value", {}).get("after")
        return f"Value {_pounds(value)}" if value is not None else ""
    if verb == "proposal.updated":
        parts = []
        for field, change in changes.items():
            label = FIELD_LABELS.get(field, field.replace("_", " "))
            if field == "financial_value":
                parts.append(
                    f"{label} {_pounds(change.get('before'))} → {_pounds(change.get('after'))}"
                )
            elif field in ("affected_organisations", "named_organisations"):
                parts.append(
                    f"{label}: {_org_names(change.get('before'))} → "
                    f"{_org_names(change.get('after'))}"
                )
            elif field == "is_confidential":
                parts.append("made confidential" if change.get("after") else "made public")
            else:
                parts.append(label)
        return "Changed: " + "; ".join(parts) if parts else ""
    if verb == "proposal.attachment_added":
        a = changes.get("attachment", {})
        return f"{a.get('name', '')} ({a.get('pages', '?')} pages)"
    if verb == "proposal.signoff_restarted":
        rnd = changes.get("round", {})
        return (
            f"Round {rnd.get('before')} → {rnd.get('after')}; "
            f"{changes.get('signoffs_invalidated', 0)} open sign-off(s) cancelled"
        )
    if verb.startswith("signoff."):
        acting = changes.get("signatory")
        acting = f"; signed by {acting}" if isinstance(acting, str) and acting else ""
        return f"Round {changes.get('round', '?')}{acting}"
    if verb == "decision.registered":
        return f"Decided by {changes.get('decided_by', '')}"
    status = changes.get("status")
    if isinstance(status, dict) and "before" in status:
        return f"{_status_label(status['before'])} → {_status_label(status['after'])}"
    return ""


def _who(event) -> str:
    if event.actor is None:
        return "System (automatic step)"
    name = event.actor.get_full_name()
    return f"{name} ({event.actor_label})" if name else event.actor_label


def timeline(proposal) -> list[Event]:
    """Every event of the proposal and of its register entry, oldest first."""
    events = list(events_for(proposal))
    entry = DecisionEntry.objects.filter(proposal=proposal).first()
    if entry is not None:
        events.extend(events_for(entry))
    events.sort(key=lambda e: e.seq)
    return [
        Event(
            seq=e.seq,
            when=e.timestamp,
            who=_who(e),
            organisation=e.organisation.name if e.organisation_id else "",
            what=sentence(e.verb),
            why=e.reason,
            detail=_detail(e.verb, e.changes or {}),
        )
        for e in events
    ]
