"""Deciding an agenda item: named votes, counted by each body's rule, and the outcome.

Votes are recorded by name ({committee member id: "for" | "against" | "abstain"}); the
totals are derived (per person, or per partner for a body of partners with parity) and
the outcome follows from them. Without votes the outcome is given (e.g. by consensus).

Committees in common: every body decides the item separately (its own quorum, its own
members' votes, or its own outcome by consensus), and one ``BodyDecision`` per body is
recorded; the item's outcome is the bodies' common outcome, or "split".

A decision on an item whose subject is a registered record (a proposal, a risk …) is
passed to the owning app through ``subject_type.on_board_decision`` in the same
transaction. For committees in common, a decision binds an organisation only if its own
body approved: the owning app is told "approved" when every body concerned (those of the
record's parties) approved, "rejected" when none did; a split outcome is passed only to
a subject type that registered ``on_body_decisions``. A decided record whose subject type
is kept in the decision register (``register_facts``) is entered there too.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance import subjects
from governance.meetings import quorum, selectors
from governance.meetings.models import (
    AgendaItem,
    BodyDecision,
    Committee,
    ItemDecision,
    Meeting,
    MeetingStatus,
    Outcome,
    Purpose,
    StandingKind,
    Vote,
)
from governance.meetings.services._common import Errors, audit, require_manager

DECIDING_PURPOSES = (Purpose.DECISION, Purpose.APPROVAL)
BOARD_OUTCOMES = (Outcome.APPROVED, Outcome.REJECTED)


def meeting_for_record(meeting: Meeting) -> Meeting:
    m = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    if m.status == MeetingStatus.CANCELLED:
        raise ValidationError("The meeting is cancelled.")
    if selectors.meeting_date(m) > timezone.localdate():
        raise ValidationError("The meeting has not taken place yet.")
    return m


def _parse_votes(votes) -> dict[int, str]:
    out: dict[int, str] = {}
    for key, choice in dict(votes or {}).items():
        try:
            out[int(key)] = str(choice or "").strip()
        except (TypeError, ValueError):
            raise ValidationError({"votes": f"Unknown member {key!r}."}) from None
    return {k: v for k, v in out.items() if v}


class _BodyResult:
    def __init__(self, body, q, outcome, counted, casting, ballots):
        self.body = body
        self.quorum = q
        self.outcome = outcome
        self.counted = counted  # quorum.Tally or None
        self.casting = casting
        self.ballots = ballots


def _decide_body(
    m: Meeting, item: AgendaItem, body: Committee, ballots, outcome, casting_vote, label
) -> _BodyResult:
    body_seats = selectors.seats(m, item, body)
    q = selectors.quorum_for(body, body_seats)
    counted = None
    prefix = f"{label}: " if label else ""
    if ballots:
        try:
            counted = quorum.tally(body_seats, ballots, counts=body.rules.counts)
            allowed = body.rules.casting_vote_possible and quorum.casting_vote_available(
                body.chair_has_casting_vote, body_seats
            )
            result = quorum.count_votes(
                **counted.as_counts(),
                eligible=counted.eligible,
                casting_vote_allowed=allowed,
                casting_vote=casting_vote or None,
                majority=body.majority_fraction,
            )
        except quorum.VoteError as exc:
            raise ValidationError({k: [prefix + v] for k, v in exc.errors.items()}) from exc
        if outcome and outcome != result.outcome:
            raise ValidationError(
                {
                    "outcome": f"{prefix}the votes recorded mean the item is "
                    f"{Outcome(result.outcome).label.lower()}."
                }
            )
        outcome = result.outcome
    elif casting_vote:
        raise ValidationError({"casting_vote": prefix + "Record the votes before a casting vote."})
    if outcome not in Outcome.values or outcome == Outcome.SPLIT:
        raise ValidationError({"outcome": prefix + "Choose the outcome."})
    if outcome in BOARD_OUTCOMES and item.purpose not in DECIDING_PURPOSES:
        raise ValidationError(
            {"outcome": "Only items for decision or approval are approved or not."}
        )
    if outcome in BOARD_OUTCOMES and not q.quorate:
        raise ValidationError(
            {
                "outcome": f"{prefix}the meeting is not quorate for this item: "
                + "; ".join(q.reasons)
                + "."
            }
        )
    return _BodyResult(body, q, outcome, counted, (casting_vote or "") if ballots else "", ballots)


@transaction.atomic
def item_decide(
    *,
    actor,
    item: AgendaItem,
    outcome: str | None = None,
    resolution: str = "",
    votes: Mapping | None = None,
    casting_vote: str = "",
    body_outcomes: Mapping | None = None,
    casting_votes: Mapping | None = None,
) -> ItemDecision:
    """Record the decision on an item.

    ``votes``: {committee member id: "for" | "against" | "abstain"} for every member
    who may vote (present, voting, not excluded by the chair); the outcome then follows
    from them (with the chair's casting vote, ``casting_vote``, if tied and allowed).
    Committees in common: ``votes`` may hold every body's members' votes; a body
    without votes takes its outcome from ``body_outcomes`` ({body id: outcome}) or
    ``outcome``; ``casting_votes`` is {body id: "for" | "against"}. Approving or
    rejecting needs each deciding body to be quorate once the chair's exclusions for
    conflicts are applied."""
    m = meeting_for_record(item.meeting)
    require_manager(actor, m.committee)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if ItemDecision.objects.filter(item=item).exists():
        raise ValidationError("A decision is already recorded on this item.")
    undecided = [d for d in item.declarations.select_related("person") if d.decided_at is None]
    if undecided:
        names = ", ".join(
            sorted({d.person.get_full_name() or d.person.get_username() for d in undecided})
        )
        raise ValidationError(
            f"The chair has not yet decided how the interests declared by {names} are managed."
        )
    ballots = _parse_votes(votes)
    bodies = selectors.bodies_of(m.committee)
    members = {cm.pk: cm for cm in selectors.meeting_members(m)}
    unknown = [k for k in ballots if k not in members]
    if unknown:
        raise ValidationError({"votes": "Only members of the committee on the day vote."})
    in_common = m.committee.is_in_common
    errors = Errors()
    if in_common and not bodies:
        errors.add("outcome", "No bodies meet in common in this committee.")
    body_outcomes = {str(k): v for k, v in dict(body_outcomes or {}).items()}
    casting_votes = {str(k): v for k, v in dict(casting_votes or {}).items()}
    errors.raise_if_any()
    results = []
    for body in bodies:
        mine = {k: v for k, v in ballots.items() if members[k].committee_id == body.pk}
        results.append(
            _decide_body(
                m,
                item,
                body,
                mine,
                body_outcomes.get(str(body.pk)) or outcome if in_common else outcome,
                casting_votes.get(str(body.pk), "") if in_common else casting_vote,
                body.name if in_common else "",
            )
        )
    stray = [k for k in ballots if members[k].committee_id not in {b.pk for b in bodies}]
    if stray:
        raise ValidationError({"votes": "Only members of the deciding bodies vote."})
    decision = _record(actor, m, item, resolution, results, in_common)
    if item.standing_kind == StandingKind.PREVIOUS_MINUTES and decision.outcome == Outcome.APPROVED:
        from governance.meetings.services.minutes import approve_previous_minutes

        approve_previous_minutes(actor, m, item)
    if item.subject_type_id:
        _tell_owner(actor, m, item, decision, results if in_common else None)
    return decision


def _record(actor, m, item, resolution, results, in_common) -> ItemDecision:
    outcomes = {r.outcome for r in results}
    overall = outcomes.pop() if len(outcomes) == 1 else Outcome.SPLIT
    single = results[0] if not in_common else None
    counts = single.counted.as_counts() if single and single.counted else {}
    decision = ItemDecision.objects.create(
        item=item,
        outcome=overall,
        resolution=(resolution or "").strip(),
        casting_vote=single.casting if single else "",
        quorate=all(r.quorum.quorate for r in results),
        quorum=single.quorum.as_dict()
        if single
        else {"bodies": {r.body.name: r.quorum.as_dict() for r in results}},
        recorded_by=actor,
        **counts,
    )
    members = {cm.pk: cm for cm in selectors.meeting_members(m)}
    by_name = {}
    for r in results:
        if in_common:
            BodyDecision.objects.create(
                decision=decision,
                body=r.body,
                outcome=r.outcome,
                casting_vote=r.casting,
                quorate=r.quorum.quorate,
                quorum=r.quorum.as_dict(),
                **(r.counted.as_counts() if r.counted else {}),
            )
        for key, choice in sorted(r.ballots.items()):
            cm = members[key]
            Vote.objects.create(
                decision=decision,
                body=r.body,
                member=cm,
                organisation=cm.organisation,
                name=cm.display_name,
                choice=choice,
            )
            by_name[cm.display_name] = choice
    audit(
        actor,
        "meeting.item_decided",
        decision,
        m.committee,
        {
            "item": item.pk,
            "outcome": overall,
            "votes": by_name or None,
            "totals": counts or None,
            "bodies": {r.body.name: r.outcome for r in results} if in_common else None,
            "casting_vote": decision.casting_vote,
            "quorum": decision.quorum,
        },
    )
    return decision


def binding_of(decision: ItemDecision) -> quorum.Binding | None:
    """Committees in common: which organisations the decision binds (None otherwise)."""
    rows = list(decision.body_decisions.select_related("body"))
    if not rows:
        return None
    parties = [o.pk for o in selectors.parties_of_item(decision.item)]
    return quorum.binding({r.body.organisation_id: r.outcome for r in rows}, parties)


def _tell_owner(actor, m: Meeting, item: AgendaItem, decision: ItemDecision, results) -> None:
    subject = item.subject
    try:
        st = subjects.for_model(subject)
    except LookupError:
        return
    outcome = decision.outcome
    if results is not None:
        b = quorum.binding(
            {r.body.organisation_id: r.outcome for r in results},
            [o.pk for o in selectors.parties_of_item(item)],
        )
        outcome = b.outcome
        if outcome == "split":
            hook = getattr(st, "on_body_decisions", None)
            if hook is not None:
                hook(
                    subject,
                    actor=actor,
                    outcomes={r.body.organisation: r.outcome for r in results},
                    notes=decision.resolution,
                    decided_on=selectors.meeting_date(m),
                    decided_by=m.committee.name,
                    item=item,
                )
            return
    if outcome not in BOARD_OUTCOMES or st.on_board_decision is None:
        return
    st.on_board_decision(
        subject,
        actor=actor,
        outcome=outcome,
        notes=decision.resolution,
        decided_on=selectors.meeting_date(m),
        decided_by=m.committee.name,
        item=item,
    )
    subjects.enter_in_register(
        subject,
        actor=actor,
        outcome=outcome,
        item=item,
        notes=decision.resolution,
        decided_on=selectors.meeting_date(m),
    )
