"""The shared inbox and the sign-off page, for every kind of subject (proposals,
allocations, risks…). Subjects are labelled and linked through ``governance.subjects``:
this module never imports the apps that register them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from governance import permissions, subjects
from governance.audit.reads import record_read
from governance.forms import add_service_errors
from governance.interests.models import Interest
from governance.organisations.models import Role
from governance.signoffs.chairs import deciding_committee, is_chair_for
from governance.signoffs.conflict_services import conflict_manage, conflicted_signers
from governance.signoffs.forms import ConflictManagementForm, DueDateForm, SignOffForm
from governance.signoffs.inbox import assignable_tasks, prefetch_organisations, subjects_of
from governance.signoffs.models import ConflictManagement, SignOff, SignOffStatus
from governance.signoffs.selectors import (
    blocked_signoffs_for,
    open_signoffs_for,
    signoff_page_for,
)
from governance.signoffs.services import (
    can_set_due,
    parties_of,
    signoff_decide,
    signoff_set_due,
)
from governance.signoffs.signers import conflicts_on, management_for, signer_for, signers_of

# Friendlier names for the secretariat's tasks (viewflow's node names otherwise).
TASK_TITLES = {
    "review": "Review the submission (accept, or return it to the proposer)",
    "board_decision": "Table it at the deciding committee's meeting, or take chair's action",
    "officer_decision": "Take the decision delegated to you under the SoRD",
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


PAGE_SIZE = 25


def _task_rows(tasks) -> list[dict]:
    """Rows for tasks (their processes joined): each with the record it is about."""
    tasks = list(tasks)
    found = subjects_of(
        (t.process.artifact_content_type_id, t.process.artifact_object_id) for t in tasks
    )
    rows = []
    for task in tasks:
        node = task.flow_task
        key = (task.process.artifact_content_type_id, task.process.artifact_object_id)
        rows.append(
            {
                "task": task,
                "title": TASK_TITLES.get(getattr(node, "name", ""), task.title),
                "subject": describe(found.get(key)),
            }
        )
    return rows


def tasks_for(user) -> list[dict]:
    """Open human tasks, other than sign-offs, that the user may take in any flow — the
    ICB secretariat's reviews and board decisions, a pool manager's allocation reviews —
    each with the record it is about. Each node decides (``assignable``, one filter for
    the whole list: see governance.signoffs.inbox)."""
    return _task_rows(assignable_tasks(user))


def _rows(signoffs, user) -> list[dict]:
    """Inbox rows; whether the user is conflicted out of each. Most people have no
    current interest in any organisation, so the parties are only looked up for those
    who do (once per record, however many of its sign-offs are listed), with the chair's
    decisions for the user on the listed sign-offs in one query. The records signed off
    are loaded per kind, not per row."""
    signoffs = list(signoffs)
    found = subjects_of((s.subject_type_id, s.subject_id) for s in signoffs)
    interest_orgs: set = set()
    managed: set = set()
    if found:
        # the user's current interests naming any organisation (conflicts' own rule)
        interest_orgs = set(
            Interest.objects.current(None)
            .filter(person=user, related_organisation__isnull=False)
            .values_list("related_organisation_id", flat=True)
        )
    if interest_orgs:
        prefetch_organisations(found.values())
        managed = set(
            ConflictManagement.objects.filter(signoff__in=signoffs, person=user).values_list(
                "signoff_id", flat=True
            )
        )
    parties: dict = {}
    rows = []
    for s in signoffs:
        key = (s.subject_type_id, s.subject_id)
        subject = found.get(key)
        conflicted = False
        if subject is not None and interest_orgs:
            s.subject = subject  # what parties_of reads
            if key not in parties:
                parties[key] = [o.pk for o in parties_of(s)]
            # an entry naming the organisation signed for (the employer) is no conflict
            conflicted = (
                any(pk in interest_orgs and pk != s.organisation_id for pk in parties[key])
                and s.pk not in managed
            )
        rows.append({"signoff": s, "subject": describe(subject), "conflicted": conflicted})
    return rows


def _page(request, queryset, param: str):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))


@login_required
def inbox(request):
    """What awaits the user (reviews and decisions they may take) and what awaits their
    organisations (open sign-offs), each paged; the same number of queries at any size."""
    user = request.user
    signoff_page = _page(request, open_signoffs_for(user), "page")
    task_page = _page(request, assignable_tasks(user), "tasks")
    signoff_rows = _rows(signoff_page.object_list, user)
    task_rows = _task_rows(task_page.object_list)
    blocked, chaired = blocked_signoffs_for(user)
    return render(
        request,
        "signoffs/inbox.html",
        {
            "signoff_rows": signoff_rows,
            "signoff_page": signoff_page,
            "signoff_count": signoff_page.paginator.count,
            "tasks": task_rows,
            "task_page": task_page,
            "task_count": task_page.paginator.count,
            "awaiting_me": task_rows,
            "awaiting_organisation": signoff_rows,
            "blocked_rows": _rows(blocked[:PAGE_SIZE], user),
            "chair_rows": _rows(chaired, user),
            "is_secretariat": permissions.is_system_secretariat(user)
            or bool(permissions.organisation_ids(user, roles=[Role.SECRETARIAT])),
        },
    )


def _signers(signoff) -> list[dict]:
    """The organisation's signatories and deputies in office, whether each is free of
    conflict, and how the chair decided any conflict is managed."""
    parties = parties_of(signoff)
    rows = []
    for signer in signers_of(signoff.organisation):
        found = conflicts_on(signoff, signer.person, parties)
        rows.append(
            {
                "signer": signer,
                "conflicts": found,
                "managed": management_for(signoff, signer.person) if found else None,
            }
        )
    return rows


def _unblock_paths(user, signoff) -> dict:
    """The two ways to unblock a sign-off, and which of them this user may take."""
    org = signoff.organisation
    manages_people = permissions.is_system_secretariat(user) or permissions.has_role(
        user, Role.SECRETARIAT, org
    )
    is_signatory = permissions.signs_in_own_right(user, org)
    committee = deciding_committee(signoff)
    return {
        "people_url": f"/manage/organisations/{org.pk}/people/" if manages_people else "",
        "deputy_url": f"/deputies/new/?organisation={org.pk}"
        + ("" if manages_people else f"&principal={user.pk}")
        if manages_people or is_signatory
        else "",
        "committee": committee,
        "is_chair": is_chair_for(user, signoff),
    }


@login_required
def signoff_detail(request, pk: int):
    signoff = signoff_page_for(request.user, pk)
    if signoff is None or signoff.subject is None:
        raise Http404("No such sign-off.")
    user = request.user
    subject = signoff.subject
    signer = signer_for(user, signoff.organisation)
    may_sign = signer is not None
    my_conflicts = conflicts_on(signoff, user) if may_sign else []
    my_management = management_for(signoff, user) if my_conflicts else None
    if my_management is not None:
        my_conflicts = []
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
    if getattr(subject, "is_confidential", False):  # who viewed what (governance.audit.reads)
        record_read(user=user, target=subject, how="page", request=request)
    return render(
        request,
        "signoffs/signoff.html",
        {
            "signoff": signoff,
            "subject": describe(subject),
            "form": form,
            "is_open": is_open,
            "may_sign": may_sign,
            "signer": signer,
            "my_conflicts": my_conflicts,
            "my_management": my_management,
            "conflict_names": sorted(
                {i.related_organisation.name for i in my_conflicts if i.related_organisation}
            ),
            "signers": _signers(signoff),
            "declarations": signoff.conflicts.select_related("person"),
            "managements": signoff.conflict_managements.select_related(
                "person", "decided_by", "committee"
            ),
            "paths": _unblock_paths(user, signoff) if is_open else {},
            "may_set_due": is_open and can_set_due(user, signoff),
        },
    )


@login_required
def signoff_due(request, pk: int):
    """The secretariat moves an open sign-off's due date (audited): the ICB's, or the
    signing organisation's own (which may not otherwise open the sign-off's page)."""
    signoff = signoff_page_for(request.user, pk)
    if signoff is None:
        own = SignOff.objects.filter(pk=pk).select_related("organisation").first()
        signoff = own if own is not None and can_set_due(request.user, own) else None
    if signoff is None or signoff.subject is None:
        raise Http404("No such sign-off.")
    if not can_set_due(request.user, signoff):
        raise PermissionDenied(
            f"Only the ICB secretariat or the secretariat of {signoff.organisation.name} can "
            "change when this sign-off is due."
        )
    is_open = signoff.status == SignOffStatus.PENDING
    form = DueDateForm(
        request.POST if request.method == "POST" else None,
        initial={"due_on": signoff.due_on},
    )
    if request.method == "POST" and is_open and form.is_valid():
        try:
            signoff_set_due(
                actor=request.user,
                signoff=signoff,
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Due date changed for {signoff.organisation.name}.")
            return redirect("signoffs:signoff", pk=signoff.pk)
    return render(
        request,
        "signoffs/due.html",
        {
            "signoff": signoff,
            "subject": describe(signoff.subject),
            "form": form,
            "is_open": is_open,
        },
    )


@login_required
def signoff_manage_conflict(request, pk: int):
    """The chair of the deciding body records how a conflict is managed."""
    signoff = signoff_page_for(request.user, pk)
    if signoff is None or signoff.subject is None:
        raise Http404("No such sign-off.")
    committee = deciding_committee(signoff)
    if not is_chair_for(request.user, signoff):
        raise PermissionDenied(
            "Only the chair of "
            + (committee.name if committee else "the deciding body")
            + " can decide how this conflict is managed."
        )
    signers = [s for s in conflicted_signers(signoff) if s.person.pk != request.user.pk]
    form = ConflictManagementForm(
        request.POST if request.method == "POST" else None, signers=signers
    )
    if request.method == "POST" and form.is_valid():
        try:
            management = conflict_manage(
                actor=request.user,
                signoff=signoff,
                person=form.person_obj(),
                conditions=form.cleaned_data["conditions"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Recorded: {management.person.get_full_name() or management.person} may "
                f"sign for {signoff.organisation.name} on your conditions.",
            )
            return redirect("signoffs:signoff", pk=signoff.pk)
    return render(
        request,
        "signoffs/manage_conflict.html",
        {
            "signoff": signoff,
            "subject": describe(signoff.subject),
            "committee": committee,
            "form": form,
            "signers": signers,
            "is_open": signoff.status == SignOffStatus.PENDING,
        },
    )
