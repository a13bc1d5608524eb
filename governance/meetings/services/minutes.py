"""Minutes: drafted from the meeting's record, edited, approved at the next meeting (an
item of its agenda), then published — the public part only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.meetings import selectors
from governance.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CastingVote,
    Meeting,
    MeetingStatus,
    MinuteEntry,
    Minutes,
    MinutesStatus,
    Session,
    StandingKind,
)
from governance.meetings.services._common import audit, require_manager
from governance.search.services import search_index_update

MAX_TEXT = 100_000


def _names(rows) -> str:
    return "; ".join(f"{a.name} ({a.capacity})" if a.capacity else a.name for a in rows) or "None"


def attendance_text(meeting: Meeting) -> str:
    rows = list(Attendance.objects.filter(meeting=meeting).order_by("name"))

    def of(status):
        return [a for a in rows if a.status == status]

    return "\n".join(
        [
            f"Present: {_names(of(AttendanceStatus.PRESENT))}",
            f"Apologies: {_names(of(AttendanceStatus.APOLOGIES))}",
            f"Absent: {_names(of(AttendanceStatus.ABSENT))}",
            f"In attendance: {_names(of(AttendanceStatus.IN_ATTENDANCE))}",
        ]
    )


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def named_votes(votes) -> str:
    """ "For: A, B. Against: C. Abstained: D." """
    groups = {"for": [], "against": [], "abstain": []}
    for v in votes:
        groups[v.choice].append(v.name)
    parts = []
    for key, label in (("for", "For"), ("against", "Against"), ("abstain", "Abstained")):
        if groups[key]:
            parts.append(f"{label}: {', '.join(sorted(groups[key]))}.")
    return " ".join(parts)


def _totals(row, partners: bool) -> str:
    unit = " (one vote per partner)" if partners else ""
    return f"{row.votes_for} for, {row.votes_against} against, {row.abstentions} abstaining{unit}"


def _decision_text(decision) -> list[str]:
    lines = [f"Decision: {decision.get_outcome_display()}."]
    if decision.resolution:
        lines.append(f"Resolved: {decision.resolution}")
    committee = decision.item.meeting.committee
    votes = list(decision.votes.select_related("body"))
    bodies = list(decision.body_decisions.select_related("body", "body__organisation"))
    if bodies:
        for row in bodies:
            text = f"{row.body.name}: {row.get_outcome_display()}"
            if row.has_votes:
                text += f" ({_totals(row, False)})"
            if row.casting_vote:
                text += f"; the chair's casting vote {row.get_casting_vote_display().lower()}"
            if not row.quorate:
                text += "; not quorate"
            mine = [v for v in votes if v.body_id == row.body_id]
            lines.append(text + "." + (" " + named_votes(mine) if mine else ""))
        approved = [r.body.name for r in bodies if r.outcome == "approved"]
        others = [r.body.name for r in bodies if r.outcome != "approved"]
        if approved and others:
            lines.append(
                f"Approved by {', '.join(approved)}; not approved by {', '.join(others)}. "
                "The decision binds only the bodies that approved it."
            )
    else:
        if decision.has_votes:
            partners = committee.rules.counts == "partner"
            lines.append(f"Votes: {_totals(decision, partners)}.")
        if votes:
            lines.append("Named votes — " + named_votes(votes))
        if decision.casting_vote:
            lines.append(
                f"The votes being tied, the chair used a casting vote "
                f"{CastingVote(decision.casting_vote).label.lower()}."
            )
        if committee.kind == "joint_committee" and decision.outcome == "approved":
            names = ", ".join(o.name for o in committee.organisations.order_by("name"))
            if names:
                lines.append(f"The decision binds: {names}.")
    if not decision.quorate:
        lines.append("The item was not quorate.")
    return lines


def entry_text(meeting: Meeting, item: AgendaItem) -> str:
    """The draft minute of one item, from the record."""
    lines: list[str] = []
    if item.standing_kind == StandingKind.APOLOGIES:
        apologies = Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.APOLOGIES)
        lines.append(f"Apologies were received from: {_names(apologies.order_by('name'))}.")
    elif item.standing_kind == StandingKind.QUORUM:
        for body, q in selectors.quorums_of(meeting):
            state = "quorate" if q.quorate else "NOT quorate"
            who = "The meeting" if body.pk == meeting.committee_id else body.name
            lines.append(f"{who} was {state}: {q.counted} {q.unit} present; {q.required} needed.")
    elif item.standing_kind == StandingKind.CHAIRS_ACTIONS:
        from governance.meetings.reports import chairs_actions

        entries = chairs_actions(meeting)
        if not entries:
            lines.append("No chair's actions had been taken since the last meeting.")
        withheld = [e for e in entries if e["confidential"]]
        if withheld:
            lines.append(f"{len(withheld)} confidential chair's action(s) were reported.")
        for e in (e for e in entries if not e["confidential"]):
            when = f"{e['date']:%-d %B %Y}: " if e["date"] else ""
            lines.append(f"Chair's action reported: {when}{e['label']}. {e['summary']}".strip())
    elif item.standing_kind == StandingKind.DECLARATIONS:
        declared = selectors.declarations_of(meeting).filter(withdrawn=False)
        if declared.exists():
            items = sorted({d.item.position for d in declared})
            lines.append(
                "Interests were declared on item(s) "
                + ", ".join(str(n) for n in items)
                + " and are minuted there."
            )
        else:
            lines.append("No interests were declared in the business of the meeting.")
    for d in item.declarations.filter(withdrawn=False).select_related("person"):
        handling = d.chair_decision or "The chair's decision was not recorded."
        how = (
            f" ({d.handling_display})" if d.handling and d.handling_display not in handling else ""
        )
        lines.append(f"Declaration: {_person(d.person)} — {d.description}. {handling}{how}")
    if item.discussion:
        lines.append(item.discussion)
    decision = getattr(item, "decision", None)
    if decision is not None:
        lines.extend(_decision_text(decision))
    for action in item.actions.select_related("owner"):
        lines.append(
            f"Action {action.reference}: {action.description} "
            f"(owner {_person(action.owner)}, due {action.due_date:%-d %B %Y})."
        )
    return "\n".join(lines)


def _lock(minutes: Minutes) -> Minutes:
    return (
        Minutes.objects.select_for_update().select_related("meeting__committee").get(pk=minutes.pk)
    )


@transaction.atomic
def minutes_draft(*, actor, meeting: Meeting, redraft: bool = False) -> Minutes:
    """Draft (or, while still a draft, redraft) the minutes from the meeting's record."""
    m = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    require_manager(actor, m.committee)
    if m.status != MeetingStatus.HELD:
        raise ValidationError("Minutes are drafted once the meeting has been held.")
    minutes = Minutes.objects.filter(meeting=m).first()
    if minutes is not None:
        if not redraft:
            raise ValidationError("The minutes are already drafted.")
        if minutes.status != MinutesStatus.DRAFT:
            raise ValidationError("Approved minutes cannot be redrafted.")
        minutes.entries.all().delete()
    else:
        minutes = Minutes(meeting=m, drafted_by=actor)
    minutes.attendance_text = attendance_text(m)
    minutes.drafted_at = minutes.updated_at = timezone.now()
    minutes.save()
    for item in selectors.agenda(m):
        MinuteEntry.objects.create(
            minutes=minutes, item=item, text=entry_text(m, item), is_part2=item.is_part2
        )
    audit(actor, "minutes.drafted", minutes, m.committee, {"redraft": bool(redraft)})
    search_index_update(minutes)
    return minutes


@transaction.atomic
def minutes_update(
    *, actor, minutes: Minutes, attendance_text: str | None = None, entries: dict | None = None
) -> Minutes:
    """Edit the draft: the attendance header and any item's minute ({entry id: text})."""
    mn = _lock(minutes)
    require_manager(actor, mn.meeting.committee)
    if mn.status != MinutesStatus.DRAFT:
        raise ValidationError("Approved minutes cannot be edited.")
    changed = []
    if attendance_text is not None:
        if len(attendance_text) > MAX_TEXT:
            raise ValidationError({"attendance_text": "Too long."})
        if attendance_text.strip() != mn.attendance_text:
            mn.attendance_text = attendance_text.strip()
            changed.append("attendance")
    by_id = {e.pk: e for e in mn.entries.all()}
    for key, text in (entries or {}).items():
        entry = by_id.get(int(key))
        if entry is None:
            raise ValidationError({"entries": f"Entry {key} is not part of these minutes."})
        if len(text or "") > MAX_TEXT:
            raise ValidationError({f"entry-{key}": "Too long."})
        if (text or "").strip() != entry.text:
            entry.text = (text or "").strip()
            entry.save(update_fields=["text"])
            changed.append(entry.item_id)
    if changed:
        mn.updated_at = timezone.now()
        mn.save()
        audit(actor, "minutes.updated", mn, mn.meeting.committee, {"changed": changed})
        search_index_update(mn)
    return mn


def approve_previous_minutes(actor, meeting: Meeting, item: AgendaItem) -> Minutes:
    """Called (inside the decision's transaction) when ``meeting`` approves the minutes of
    the committee's previous meeting at its standing item ``item``."""
    previous = selectors.previous_meeting(meeting)
    minutes = Minutes.objects.filter(meeting=previous).first() if previous else None
    if minutes is None:
        raise ValidationError(
            {"outcome": "There are no draft minutes of a previous meeting to approve."}
        )
    mn = _lock(minutes)
    if mn.status != MinutesStatus.DRAFT:
        raise ValidationError({"outcome": "The previous meeting's minutes are already approved."})
    mn.status = MinutesStatus.APPROVED
    mn.approved_at = timezone.now()
    mn.approved_at_item = item
    mn.save()
    audit(
        actor,
        "minutes.approved",
        mn,
        meeting.committee,
        {"status": {"before": "draft", "after": "approved"}, "at_meeting": meeting.pk},
    )
    return mn


@transaction.atomic
def minutes_publish(*, actor, minutes: Minutes) -> Minutes:
    """Publish approved minutes: the public part (Part 1 entries) appears on the portal."""
    mn = _lock(minutes)
    require_manager(actor, mn.meeting.committee)
    if mn.status != MinutesStatus.APPROVED:
        raise ValidationError("Only approved minutes can be published.")
    if mn.meeting.session != Session.PUBLIC:
        raise ValidationError("The meeting was held in private: its minutes are not published.")
    mn.status = MinutesStatus.PUBLISHED
    mn.published_at = timezone.now()
    mn.save()
    audit(
        actor,
        "minutes.published",
        mn,
        mn.meeting.committee,
        {"status": {"before": "approved", "after": "published"}},
    )
    search_index_update(mn)
    return mn
