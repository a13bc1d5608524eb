"""Pages of the shared core: home (the audit explorer is governance.audit.views)."""

from __future__ import annotations

from django.shortcuts import render

from governance import permissions


def home(request):
    memberships = permissions.active_memberships(request.user).select_related("organisation")
    return render(request, "governance/home.html", {"memberships": memberships})
