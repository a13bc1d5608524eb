"""Running the meeting: attendance with the live quorum, then each item's declarations,
the chair's decisions on them, the discussion, the decision and votes, and actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance.interests.models import Interest
from governance.meetings import quorum as quorum_rules
from governance.meetings import reports, selectors
from governance.meetings.forms import (
    ActionForm,
    DecisionForm,
    DeclarationAddForm,
    DeclarationDecideForm,
    DiscussionForm,
    GuestForm,
)
from governance.meetings.models import (
    Attendance,
    AttendanceStatus,
    Declaration,
    Outcome,
    StandingKind,
    VoteChoice,
)
from governance.meetings.services import actions, conduct
from governance.meetings.views.common import attempt, item_or_404, managed_meeting

MEMBER_STATUSES = [
    (AttendanceStatus.PRESENT, "Present"),
    (AttendanceStatus.APOLOGIES, "Apologies"),
    (AttendanceStatus.ABSENT, "Absent"),
]


@login_required
def run(request, pk):
    """Attendance and the live quorum."""
    meeting = managed_meeting(request.user, pk)
    members = list(selectors.meeting_members(meeting))
    guest_form = GuestForm()
    if request.method == "POST" and request.POST.get("form") == "attendance":
        try:
            for member in members:
                status = request.POST.get(f"member-{member.pk}")
                if status:
                    conduct.attendance_record(
                        actor=request.user, meeting=meeting, member=member, status=status
                    )
            messages.success(request, "Attendance recorded.")
            return redirect("meetings:run", pk=meeting.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    elif request.method == "POST" and request.POST.get("form") == "guest":
        guest_form = GuestForm(request.POST)
        if guest_form.is_valid() and attempt(
            guest_form,
            conduct.attendance_add_guest,
            actor=request.user,
            meeting=meeting,
            **guest_form.cleaned_data,
        ):
            return redirect("meetings:run", pk=meeting.pk)
    elif request.method == "POST" and request.POST.get("form") == "prefill":
        n = conduct.declarations_prefill(actor=request.user, meeting=meeting)
        messages.success(request, f"{n} new declaration(s) expected from the register.")
        return redirect("meetings:run", pk=meeting.pk)
    attendance = selectors.attendance_of(meeting)
    rows = [{"member": m, "status": getattr(attendance.get(m.pk), "status", "")} for m in members]
    items = list(selectors.agenda(meeting).prefetch_related("declarations__person"))
    return render(
        request,
        "meetings/run.html",
        {
            "meeting": meeting,
            "rows": rows,
            "statuses": MEMBER_STATUSES,
            "guests": Attendance.objects.filter(meeting=meeting, member__isnull=True),
            "guest_form": guest_form,
            "quorum": selectors.quorum_of(meeting),
            "quorums": selectors.quorums_of(meeting),
            "in_common": meeting.committee.is_in_common,
            "items": items,
        },
    )


def _voting_groups(meeting, item, posted=None) -> list[dict]:
    """Per deciding body: its quorum for the item and every member with whether they may
    vote (and why not), for the named-vote form."""
    groups = []
    for body, q in selectors.quorums_of(meeting, item):
        seats = selectors.seats(meeting, item, body)
        rows = []
        for s in seats:
            if not s.voting:
                why = "non-voting member"
            elif not s.present:
                why = "not present"
            elif s.excluded:
                why = "excluded by the chair (conflict of interest)"
            else:
                why = ""
            choice = (posted or {}).get(str(s.key), "")
            rows.append(
                {
                    "seat": s,
                    "why": why,
                    "choices": [(v, label, v == choice) for v, label in VoteChoice.choices],
                }
            )
        groups.append(
            {
                "body": body,
                "quorum": q,
                "rows": rows,
                "parity": body.rules.counts == quorum_rules.PARTNER,
            }
        )
    return groups


@login_required
def item_conduct(request, pk):
    item = item_or_404(request.user, pk, manage=True)
    meeting = item.meeting
    User = get_user_model()
    guest_ids = Attendance.objects.filter(meeting=meeting, user__isnull=False).values("user_id")
    member_ids = selectors.meeting_members(meeting).values("user_id")
    people = User.objects.filter(pk__in=member_ids) | User.objects.filter(pk__in=guest_ids)
    people = people.distinct().order_by("last_name")
    add_form = DeclarationAddForm(people_qs=people)
    discussion_form = DiscussionForm(initial={"discussion": item.discussion})
    decision_form = DecisionForm()
    action_form = ActionForm()
    which = request.POST.get("form") if request.method == "POST" else None
    done = False
    if which == "declare":
        add_form = DeclarationAddForm(request.POST, people_qs=people)
        if add_form.is_valid():
            interest = None
            if request.POST.get("interest"):
                interest = Interest.objects.filter(
                    pk=request.POST["interest"], person=add_form.cleaned_data["person"]
                ).first()
            done = attempt(
                add_form,
                conduct.declaration_add,
                actor=request.user,
                item=item,
                interest=interest,
                **add_form.cleaned_data,
            )
    elif which == "discussion":
        discussion_form = DiscussionForm(request.POST)
        done = discussion_form.is_valid() and attempt(
            discussion_form,
            conduct.item_record_discussion,
            actor=request.user,
            item=item,
            **discussion_form.cleaned_data,
        )
    elif which == "decision":
        decision_form = DecisionForm(request.POST)
        done = decision_form.is_valid() and attempt(
            decision_form,
            conduct.item_decide,
            actor=request.user,
            item=item,
            **decision_form.cleaned_data,
            **DecisionForm.votes_from(request.POST),
        )
    elif which == "action":
        action_form = ActionForm(request.POST)
        done = action_form.is_valid() and attempt(
            action_form,
            actions.action_create,
            actor=request.user,
            meeting=meeting,
            item=item,
            **action_form.cleaned_data,
        )
    if done:
        return redirect(reverse("meetings:conduct", args=[item.pk]) + f"#{which}")
    declarations = [
        {
            "d": d,
            "form": DeclarationDecideForm(
                prefix=f"d{d.pk}",
                initial={"handling": d.handling, "chair_decision": d.chair_decision},
            ),
        }
        for d in item.declarations.select_related("person", "interest")
    ]
    return render(
        request,
        "meetings/conduct.html",
        {
            "item": item,
            "meeting": meeting,
            "declarations": declarations,
            "add_form": add_form,
            "interests": Interest.objects.current(selectors.meeting_date(meeting))
            .filter(person__in=people)
            .select_related("person", "related_organisation"),
            "parties": selectors.parties_of_item(item),
            "quorum": selectors.quorum_of(meeting, item),
            "groups": _voting_groups(
                meeting,
                item,
                DecisionForm.votes_from(request.POST)["votes"] if which == "decision" else None,
            ),
            "outcome_choices": [c for c in Outcome.choices if c[0] != Outcome.SPLIT],
            "discussion_form": discussion_form,
            "decision_form": decision_form,
            "decision": getattr(item, "decision", None),
            "votes": list(item.decision.votes.all()) if hasattr(item, "decision") else [],
            "body_decisions": list(item.decision.body_decisions.select_related("body"))
            if hasattr(item, "decision")
            else [],
            "chairs_actions": reports.chairs_actions(meeting)
            if item.standing_kind == StandingKind.CHAIRS_ACTIONS
            else None,
            "action_form": action_form,
            "actions": item.actions.select_related("owner"),
            "action_log": selectors.action_log(meeting)
            if item.standing_kind == StandingKind.ACTION_LOG
            else None,
            "previous_meeting": selectors.previous_meeting(meeting)
            if item.standing_kind == StandingKind.PREVIOUS_MINUTES
            else None,
            "previous": meeting.items.filter(position=item.position - 1).first(),
            "next": meeting.items.filter(position=item.position + 1).first(),
        },
    )


@login_required
@require_POST
def declaration_decide(request, pk):
    d = get_object_or_404(Declaration.objects.select_related("item"), pk=pk)
    item = item_or_404(request.user, d.item_id, manage=True)
    form = DeclarationDecideForm(request.POST, prefix=f"d{d.pk}")
    if form.is_valid():
        try:
            conduct.declaration_decide(actor=request.user, declaration=d, **form.cleaned_data)
            messages.success(request, "The chair's decision was recorded.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Record the chair's decision.")
    return redirect(reverse("meetings:conduct", args=[item.pk]) + "#declarations")
