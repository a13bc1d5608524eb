"""Audit events in plain words, for every timeline and event list: a sentence for each
verb and the person's name, never a machine code ("fund.forecast_recorded") or a
username where a name is known.

The one place for this. The core's own verbs (sign-off) are here; each app registers
its verbs at start-up (``AppConfig.ready``) with ``register``, as the decisions
timeline, the pooled funds and the risk register do. A sentence is a string, or a
function of the event's recorded changes returning one (to name an amount or a status).
An unregistered verb still reads as words ("Forecast recorded"), never as a code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

Sentence = str | Callable[[dict], str]

_SENTENCES: dict[str, Sentence] = {
    "signoff.approved": "Signed off: approved",
    "signoff.rejected": "Signed off: rejected",
    "signoff.abstained": "Signed off: abstained",
    "signoff.conflict_recorded": "Conflict of interest recorded",
    "signoff.blocked": "Sign-off blocked: every signatory is conflicted",
    "signoff.unblocked": "Sign-off unblocked",
    "signoff.conflict_managed": "Conflict of interest managed by the chair",
    # organisations, people and their registers (the core's own)
    "organisation.created": "Organisation added",
    "organisation.updated": lambda c: _organisation_updated(c),
    "membership.created": lambda c: f"Membership added: {_role(after(c, 'role'))}",
    "membership.updated": "Membership changed",
    "membership.ended": "Membership ended",
    "person.invited": "Person added and invited to choose a password",
    "interest.declared": "Interest declared",
    "interest.updated": lambda c: (
        "Interest recorded as ended" if after(c, "valid_to") else "Register entry changed"
    ),
    "deputy.appointed": "Deputy appointed",
    "deputy.ended": "Deputy appointment ended early",
    "api_token.issued": "API token issued",
    "api_token.revoked": "API token revoked",
}


def _organisation_updated(changes: dict) -> str:
    if "is_active" in changes:
        return (
            "Organisation reactivated"
            if after(changes, "is_active")
            else "Organisation deactivated"
        )
    return "Organisation details changed"


def _role(value) -> str:
    from governance.organisations.models import Role

    return Role(value).label.lower()


AUTOMATIC = "System (automatic step)"


def register(sentences: Mapping[str, Sentence]) -> None:
    """Add (or replace) sentences for verbs, e.g. ``{"fund.closed": "Fund closed"}``."""
    _SENTENCES.update(sentences)


def known_verbs() -> list[str]:
    """Every verb with a registered sentence (for the audit explorer's kinds of event)."""
    return sorted(_SENTENCES)


def sentence(verb: str, changes: dict | None = None) -> str:
    """The event's sentence; an unregistered verb's last part as words."""
    found = _SENTENCES.get(verb)
    if found is None:
        words = verb.rsplit(".", 1)[-1].replace("_", " ").strip() or verb
        return words[:1].upper() + words[1:]
    if callable(found):
        try:
            return found(changes if isinstance(changes, dict) else {})
        except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation):
            # An old event recorded with other changes still reads as words.
            return sentence(verb.rsplit(".", 1)[-1])
    return found


def person(event) -> str:
    """Who did it: the person's name (their username only when no name is known)."""
    if event.actor_id is None:
        return AUTOMATIC
    return event.actor.get_full_name() or event.actor_label or event.actor.get_username()


def pounds(value) -> str:
    """Whole pounds for a sentence ("£1,350,000"; "−£150,000"), or the value as given."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "\u2212" if amount < 0 else ""
    whole = abs(amount).quantize(Decimal("1")) if amount == amount.to_integral() else abs(amount)
    return f"{sign}£{whole:,}"


def after(changes: dict, field: str):
    """The value a field changed to (``{"field": {"before": …, "after": …}}``) or held."""
    value = changes.get(field)
    return value.get("after") if isinstance(value, dict) else value


@dataclass(frozen=True)
class Line:
    """One event as a person reads it."""

    seq: int
    when: datetime
    who: str
    organisation: str
    what: str
    why: str


def described(events: Iterable) -> list[Line]:
    """Events (``AuditEvent`` rows, with actor and organisation selected) in words."""
    return [
        Line(
            seq=e.seq,
            when=e.timestamp,
            who=person(e),
            organisation=e.organisation.name if e.organisation_id else "",
            what=sentence(e.verb, e.changes),
            why=e.reason,
        )
        for e in events
    ]
