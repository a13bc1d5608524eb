"""Pages of the shared core: home, the audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from governance import permissions
from governance.audit.selectors import audit_events_visible_to
from governance.audit.sentences import described


def home(request):
    memberships = permissions.active_memberships(request.user).select_related("organisation")
    return render(request, "governance/home.html", {"memberships": memberships})


@login_required
def audit_trail(request):
    events = audit_events_visible_to(request.user).order_by("-seq")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # Sentences and people's names, not verbs and usernames (one helper for every list).
    rows = list(zip(page.object_list, described(page.object_list), strict=True))
    return render(request, "governance/audit_trail.html", {"page": page, "rows": rows})
