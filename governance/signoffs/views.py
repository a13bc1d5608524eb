"""The shared inbox and the sign-off page, for every kind of subject (proposals,
allocations, risks…). Subjects are labelled and linked through ``governance.subjects``:
this module never imports the apps that register them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from viewflow.workflow.models import Task

from governance import permissions, subjects
from governance.forms import add_service_errors
from governance.interests.selectors import conflicts
from governance.organisations.models import Organisation
from governance.signoffs import notifications
from governance.signoffs.forms import SignOffForm
from governance.signoffs.models import SignOffStatus
from governance.signoffs.selectors import (
    blocked_signoffs_visible_to,
    open_signoffs_for,
    signoffs_visible_to,
)
from governance.signoffs.services import parties_of, signoff_decide
from governance.workflow import OPEN_TASK_STATUSES

# Friendlier names for the secretariat's tasks (viewflow's node names otherwise).
TASK_TITLES = {
    "review": "Review the submission (accept, or return it to the proposer)",
    "board_decision": "Record the board's or committee's decision",
}


@dataclass(frozen=True)
class Subject:
    label: str
    url: str


def describe(obj) -> Subject:
    """Label and link of any registered subject."""
    if obj is None:
        return Subject("(record no longer exists)", "")
    kind = subjects.for_model(obj)
    return Subject(kind.label(obj), kind.url(obj))


def tasks_for(user) -> list[dict]:
    """Open human tasks, other than sign-offs, that the user may take in any flow — the
    ICB secretariat's reviews and board decisions, a pool manager's allocation reviews —
    each with the record it is about. Each node's own ``can_assign`` decides."""
    if not getattr(user, "is_authenticated", False):
        return []
    tasks = (
        Task.objects.filter(
            status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN", signoff__isnull=True
        )
        .select_related("process")
        .order_by("created")
    )
    rows = []
    for task in tasks:
        node = task.flow_task
        if node is None or not (task.owner_id == user.pk or node.can_assign(user, task)):
            continue
        subject = task.process.artifact
        rows.append(
            {
                "task": task,
                "title": TASK_TITLES.get(node.name, task.title),
                "subject": describe(subject),
            }
        )
    return rows


def _rows(signoffs, user) -> list[dict]:
    """Inbox rows; whether the user is conflicted out of each. Most people have no
    current interest in any organisation, so the parties are only looked up for those
    who do."""
    interest_orgs = {
        i.related_organisation_id
        for i in conflicts(user, Organisation.objects.values_list("pk", flat=True))
    }
    rows = []
    for s in signoffs:
        subject = s.subject
        conflicted = (
            bool(interest_orgs)
            and subject is not None
            and any(o.pk in interest_orgs for o in parties_of(s))
        )
        rows.append({"signoff": s, "subject": describe(subject), "conflicted": conflicted})
    return rows


@login_required
def inbox(request):
    user = request.user
    signoffs = open_signoffs_for(user).prefetch_related("subject")
    return render(
        request,
        "signoffs/inbox.html",
        {
            "signoff_rows": _rows(signoffs, user),
            "tasks": tasks_for(user),
            "blocked_rows": _rows(blocked_signoffs_visible_to(user), user),
            "is_secretariat": permissions.is_system_secretariat(user),
        },
    )


def _signatories(signoff) -> list[dict]:
    """The organisation's signatories and whether each is free of conflict."""
    parties = parties_of(signoff)
    return [
        {"person": person, "conflicts": list(conflicts(person, parties))}
        for person in notifications.signatories_of(signoff.organisation).order_by(
            "last_name", "first_name", "username"
        )
    ]


@login_required
def signoff_detail(request, pk: int):
    signoff = signoffs_visible_to(request.user).filter(pk=pk).first()
    if signoff is None or signoff.subject is None:
        raise Http404("No such sign-off.")
    user = request.user
    subject = signoff.subject
    may_sign = permissions.can_sign_for(user, signoff.organisation)
    my_conflicts = list(conflicts(user, parties_of(signoff))) if may_sign else []
    is_open = signoff.status == SignOffStatus.PENDING
    form = SignOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            signoff_decide(
                actor=user,
                signoff=signoff,
                outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            signoff.refresh_from_db()
            is_open = signoff.status == SignOffStatus.PENDING
        else:
            label = describe(subject).label
            messages.success(
                request, f"Sign-off recorded for {signoff.organisation.name}: {label}."
            )
            return redirect("signoffs:inbox")
    return render(
        request,
        "signoffs/signoff.html",
        {
            "signoff": signoff,
            "subject": describe(subject),
            "form": form,
            "is_open": is_open,
            "may_sign": may_sign,
            "my_conflicts": my_conflicts,
            "conflict_names": sorted(
                {i.related_organisation.name for i in my_conflicts if i.related_organisation}
            ),
            "signatories": _signatories(signoff),
            "declarations": signoff.conflicts.select_related("person"),
        },
    )
