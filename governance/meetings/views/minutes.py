"""Minutes (draft from the record, edit, publish) and the action log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from governance.meetings import policy, selectors
from governance.meetings.forms import ActionUpdateForm
from governance.meetings.models import Minutes, MinutesStatus
from governance.meetings.services import actions, minutes
from governance.meetings.views.common import attempt, private_meeting_or_404
from governance.meetings.views.irreversible import confirm_page


@login_required
def minutes_page(request, pk):
    meeting = private_meeting_or_404(request.user, pk)
    can_manage = policy.can_manage(request.user, meeting.committee)
    mn = Minutes.objects.filter(meeting=meeting).first()
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only the secretariat edits minutes.")
        action = request.POST.get("action")
        if action == "redraft" and request.POST.get("confirm") != "yes":
            # redrafting discards every edit: only from the confirmation page
            return _confirm_redraft(request, meeting)
        try:
            if action in ("draft", "redraft"):
                minutes.minutes_draft(
                    actor=request.user, meeting=meeting, redraft=action == "redraft"
                )
                messages.success(request, "The minutes were drafted from the meeting's record.")
            elif action == "save" and mn is not None:
                entries = {
                    key.removeprefix("entry-"): value
                    for key, value in request.POST.items()
                    if key.startswith("entry-")
                }
                minutes.minutes_update(
                    actor=request.user,
                    minutes=mn,
                    attendance_text=request.POST.get("attendance_text", mn.attendance_text),
                    entries=entries,
                )
                messages.success(request, "The minutes were saved.")
            elif action == "publish" and mn is not None:
                minutes.minutes_publish(actor=request.user, minutes=mn)
                messages.success(request, "The minutes were published (public part only).")
            return redirect("meetings:minutes", pk=meeting.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    elif request.GET.get("confirm") == "redraft" and can_manage and mn is not None:
        return _confirm_redraft(request, meeting)
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "minutes": mn,
            "entries": mn.entries.select_related("item") if mn else [],
            "can_manage": can_manage,
            "editable": can_manage and mn is not None and mn.status == MinutesStatus.DRAFT,
        },
    )


def _confirm_redraft(request, meeting):
    """Redrafting replaces the draft with a fresh one from the record: say so first."""
    url = reverse("meetings:minutes", args=[meeting.pk])
    return confirm_page(
        request,
        title="Redraft the minutes from the record?",
        back=url,
        action=url,
        fields={"action": "redraft"},
        consequences=[
            "Every edit made to the draft minutes is discarded.",
            "The attendance and each item's minute are written again from the meeting's "
            "record (attendance, declarations, votes and decisions).",
        ],
        button="Redraft and discard the edits",
    )


@login_required
def action_log(request):
    visible = selectors.actions_visible_to(request.user)
    status = request.GET.get("status", "open")
    if status == "open":
        visible = visible.filter(status__in=["open", "in_progress"])
    rows = list(visible.order_by("due_date")[:500])
    managed = policy.managed_committee_ids(request.user)
    for a in rows:  # the same rule as action_edit: only links the user may follow
        a.can_update = policy.can_update_action(request.user, a, managed=managed)
    return render(request, "meetings/actions.html", {"actions": rows, "status": status})


@login_required
def action_edit(request, pk):
    action = get_object_or_404(selectors.actions_visible_to(request.user), pk=pk)
    if not policy.can_update_action(request.user, action):
        raise PermissionDenied("Only the action's owner or the secretariat can update it.")
    form = ActionUpdateForm(
        request.POST or None, initial={"status": action.status, "progress": action.progress}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form, actions.action_update, actor=request.user, action=action, **form.cleaned_data
        )
    ):
        return redirect("meetings:actions")
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": f"Update {action.reference}", "intro": action.description},
    )
