"""The audit explorer (``/audit/``), its streamed exports and "Verify the trail now".

Auditors and the ICB secretariat read the whole trail; a partner organisation's
secretariat reads its own organisations' events (``audit_events_visible_to``); anyone
else signed in sees an empty explorer. Every row reads as a sentence and links to its
record's history page (``links.history_url``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from governance import permissions
from governance.audit import explorer, exports, verification


def _reads_trail(user) -> bool:
    return permissions.reads_everything(user) or bool(
        permissions.organisation_ids(user, roles=permissions.TRAIL_READER_ROLES)
    )


@login_required
@require_GET
def audit_trail(request):
    form, events = explorer.filtered_events(request.user, request.GET)
    page = explorer.keyset_page(
        events, before=request.GET.get("before"), after=request.GET.get("after")
    )
    query = request.GET.copy()
    for name in ("before", "after"):
        query.pop(name, None)
    filters = query.urlencode()
    whole = exports.is_whole_trail(request.user, form.active)
    return render(
        request,
        "audit/explorer.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "reads_trail": _reads_trail(request.user),
            "whole": whole,
            "verification": verification.latest(),
            "may_verify": verification.may_start(request.user) and verification.available(),
        },
    )


@login_required
@require_GET
def audit_export(request, kind: str):
    if not _reads_trail(request.user):
        raise PermissionDenied
    form, events = explorer.filtered_events(request.user, request.GET)
    if not form.is_valid():
        messages.error(request, "Correct the filters before exporting.")
        return redirect(f"{reverse('audit-trail')}?{request.GET.urlencode()}")
    return exports.streamed(request.user, events, form.active, kind)


@login_required
@require_POST
def audit_verify(request):
    if not verification.may_start(request.user):
        raise PermissionDenied
    if not verification.available():
        messages.error(request, "Verification in the background is not available yet.")
    else:
        verification.start(actor=request.user)
        messages.success(
            request, "Verification started. Its result shows here when it has finished."
        )
    return redirect("audit-trail")
