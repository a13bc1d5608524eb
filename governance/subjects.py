"""The registry of things that get decided: proposals, allocations, risks.

The core never imports decisions/, budgets/ or the risk register. Each of those apps
registers its subject model here from ``AppConfig.ready``, saying which organisations
are party to a record (for sign-off, conflicts of interest and visibility), how to
label and link it, and what to do when the board or a committee decides it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class SubjectType:
    """How the core treats one kind of record that sign-offs and meetings refer to."""

    model: type[Model]
    # every organisation party to the record (conflicts of interest are tested against these)
    parties: Callable[[Model], Iterable[Model]]
    # lookups for ``prefetch_related_objects`` after which ``parties`` answers a whole
    # list of records without a query per record (the inbox's conflict flags); the
    # record's many-to-many organisations are prefetched without being named here
    parties_prefetch: tuple = ()
    # a short public label, e.g. "DEC-2026-0001 Community beds"
    label: Callable[[Model], str] = str
    # URL of the record in the app
    url: Callable[[Model], str] = field(default=lambda obj: "")
    # called by the sign-off machinery when every sign-off of a round is in
    on_signoffs_complete: Callable[..., None] | None = None
    # called when a board/committee records its decision on the record:
    # on_board_decision(obj, *, actor, outcome, notes="", decided_on=None, decided_by="",
    #                   item=None) -- ``item`` is the meetings.AgendaItem it was decided on
    on_board_decision: Callable[..., None] | None = None
    # committees in common whose bodies decided the record differently (some approved,
    # some not): on_body_decisions(obj, *, actor, outcomes, notes="", decided_on=None,
    # decided_by="", item=None) -- ``outcomes`` is {organisation: outcome of its body};
    # the decision binds only the organisations whose body approved. When every body
    # concerned approves (or rejects), on_board_decision is called as for one body.
    on_body_decisions: Callable[..., None] | None = None
    # records waiting to be tabled at a board/committee meeting (a QuerySet), if any
    awaiting_decision: Callable[[], QuerySet] | None = None
    # True if the record must not be published (Part 2 when tabled)
    is_confidential: Callable[[Model], bool] = field(default=lambda obj: False)
    # the board or committee (meetings.Committee) that decides the record, whose chair
    # decides how a conflict of interest at sign-off is managed; None: the ICB's board
    deciding_committee: Callable[[Model], Model | None] | None = None
    # a record whose decision at a meeting is entered in the decision register (a
    # proposal writes its own entry): its facts for the entry, see ``RegisterFacts``
    register_facts: Callable[[Model], RegisterFacts] | None = None
    # working days the partners have to sign the record off (e.g. its decision type's);
    # None or absent: settings.SIGNOFF_DEFAULT_DAYS
    signoff_days: Callable[[Model], int | None] | None = None


@dataclass(frozen=True)
class RegisterFacts:
    """What the decision register says of a record that is not a proposal."""

    reference: str
    title: str
    value: Decimal
    confidential: bool = False
    # the SoRD decision type it was decided under (its code), if any
    decision_type_code: str = ""


_REGISTRY: dict[str, SubjectType] = {}


def register(subject_type: SubjectType) -> None:
    _REGISTRY[subject_type.model._meta.label_lower] = subject_type


def for_model(model_or_obj) -> SubjectType:
    label = model_or_obj._meta.label_lower
    try:
        return _REGISTRY[label]
    except KeyError:
        raise LookupError(f"{label} is not a registered subject type") from None


def registered() -> list[SubjectType]:
    return list(_REGISTRY.values())


# The decisions app owns the SoRD and the decision register; it connects them here
# (from its AppConfig.ready) so that the core and the other apps can use them without
# importing it.
_DECISIONS: dict[str, Callable | None] = {"delegated_committee": None, "enter": None}


def connect_decisions(*, delegated_committee: Callable, enter: Callable) -> None:
    _DECISIONS.update(delegated_committee=delegated_committee, enter=enter)


def delegated_committee(decision_type_code: str, value: Decimal):
    """The committee (meetings.Committee) the SoRD in force names for a decision of this
    type and value, or None if it is delegated to an officer (or no SoRD says)."""
    resolve = _DECISIONS["delegated_committee"]
    return resolve(decision_type_code, value) if resolve and decision_type_code else None


def enter_in_register(obj, *, actor, outcome: str, item, notes: str = "", decided_on=None):
    """Enter a meeting's decision on ``obj`` in the decision register, if its subject
    type is kept there (``register_facts``). Same transaction as the decision."""
    st = for_model(obj)
    enter = _DECISIONS["enter"]
    if st.register_facts is None or enter is None:
        return None
    return enter(
        obj,
        facts=st.register_facts(obj),
        actor=actor,
        outcome=outcome,
        item=item,
        notes=notes,
        decided_on=decided_on,
    )


def decided_at_meeting(service: Callable, record: str) -> Callable:
    """An ``on_board_decision`` hook that hands the meeting's decision to ``service``
    (``service(actor=…, <record>=obj, outcome=…, item=…, notes=…, decided_on=…)``);
    ``decided_by`` is not passed on: the owner names the committee, meeting and item."""

    def hook(obj, *, actor, outcome, notes="", decided_on=None, decided_by="", item=None):
        return service(
            actor=actor,
            **{record: obj},
            outcome=outcome,
            item=item,
            notes=notes,
            decided_on=decided_on,
        )

    return hook
