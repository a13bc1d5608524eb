"""Actions that cannot be undone, each behind a confirmation page that says what will
happen: removing an agenda item and closing the meeting. (Redrafting the minutes is
confirmed the same way, on the minutes page; cancelling a meeting asks for its reason.)

GET shows the confirmation page; POST acts only with ``confirm=yes`` (the page's button
sends it). A POST without it changes nothing and shows the page again with an error.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from governance import confirm
from governance.meetings import selectors
from governance.meetings.models import AgendaItem, Paper
from governance.meetings.services import agenda
from governance.meetings.views.common import item_or_404, managed_meeting


class _Step(forms.Form):
    """The confirmation step's form: no questions, only hidden values (``action=redraft``)."""

    def __init__(self, *args, hidden: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in (hidden or {}).items():
            self.fields[name] = forms.CharField(
                widget=forms.HiddenInput, initial=value, required=False
            )


def confirmed(request) -> bool:
    return request.method == "POST" and confirm.confirmed(request)


def confirm_page(request, *, title, back, consequences, button, action=None, fields=None):
    """The shared confirmation step (governance.confirm); after a POST without the
    confirmation, the same step with the problem in its error summary (400)."""
    if request.method == "POST":
        form = _Step({**(fields or {})}, hidden=fields)
        form.full_clean()
        form.add_error(None, "Nothing was changed: use the button on this page to confirm.")
    else:
        form = _Step(hidden=fields)
    return confirm.confirmation_page(
        request,
        heading=title,
        consequences=" ".join(consequences),
        action=action or request.path,
        button=button,
        form=form,
        back=back,
        back_label="Back",
    )


def _item_consequences(item: AgendaItem) -> list[str]:
    out = ["The item is taken off the agenda; the items after it move up one place."]
    paper = Paper.objects.filter(item=item).first()
    if paper is not None:
        n = paper.appendices.count()
        out.append(
            f"Its paper ({paper.get_status_display().lower()}"
            + (f", with {n} appendix{'' if n == 1 else 'es'}" if n else "")
            + ") is deleted with it."
        )
    if item.subject_type_id:
        out.append("The record it tabled can be tabled again, at this or another meeting.")
    out.append("Packs already generated still include it until the packs are generated again.")
    return out


@login_required
def item_remove(request, pk):
    item = item_or_404(request.user, pk, manage=True)
    back = reverse("meetings:meeting", args=[item.meeting_id]) + f"#item-{item.pk}"
    if confirmed(request):
        try:
            agenda.item_remove(actor=request.user, item=item)
            messages.success(request, f"Item {item.position}, {item.title}, was removed.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("meetings:meeting", pk=item.meeting_id)
    return confirm_page(
        request,
        title=f"Remove item {item.position}, “{item.title}”, from the agenda?",
        back=back,
        consequences=_item_consequences(item),
        button="Remove the item",
    )


@login_required
def meeting_close(request, pk):
    meeting = managed_meeting(request.user, pk)
    if confirmed(request):
        try:
            agenda.meeting_close(actor=request.user, meeting=meeting)
            messages.success(request, "The meeting is recorded as held.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("meetings:run", pk=meeting.pk)
    undecided = [
        f"{i.position}. {i.title}"
        for i in selectors.agenda(meeting).filter(purpose="decision", decision__isnull=True)
    ]
    consequences = [
        "The meeting is recorded as held.",
        "Attendance, declarations of interest, votes and decisions can no longer be changed.",
        "The minutes can then be drafted from the record.",
    ]
    if undecided:
        consequences.append(
            "These items for decision have no recorded decision: " + "; ".join(undecided) + "."
        )
    return confirm_page(
        request,
        title=f"Close the meeting of {meeting.display_title}?",
        back=reverse("meetings:run", args=[meeting.pk]),
        consequences=consequences,
        button="Close the meeting",
    )
