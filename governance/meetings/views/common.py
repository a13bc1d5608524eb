"""Helpers shared by the pages: look-ups that answer 404 for what the user may not see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from governance.meetings import policy, selectors
from governance.meetings.forms import apply_errors
from governance.meetings.models import AgendaItem, Committee, Meeting


def committee_or_404(user, pk: int) -> Committee:
    return get_object_or_404(selectors.committees_visible_to(user), pk=pk)


def meeting_or_404(user, pk: int) -> Meeting:
    return get_object_or_404(selectors.meetings_visible_to(user), pk=pk)


def private_meeting_or_404(user, pk: int) -> Meeting:
    """A meeting whose private business the user may see (members, secretariat, auditors)."""
    meeting = meeting_or_404(user, pk)
    if not policy.sees_private(user, meeting.committee):
        raise Http404("No such meeting.")
    return meeting


def managed_meeting(user, pk: int) -> Meeting:
    meeting = private_meeting_or_404(user, pk)
    if not policy.can_manage(user, meeting.committee):
        raise PermissionDenied("Only the secretariat running the committee can do this.")
    return meeting


def item_or_404(user, pk: int, *, manage: bool = False) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__committee"), pk=pk)
    meeting = (managed_meeting if manage else private_meeting_or_404)(user, item.meeting_id)
    item.meeting = meeting
    return item


def attempt(form, func, *args, **kwargs):
    """Call a service; on ValidationError show it on the form and return None."""
    try:
        return func(*args, **kwargs) or True
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
