"""The published SoRD on the public portal (no sign-in): ``/public/sord/`` and
``/public/sord.pdf``, the approved version in force only."""

from __future__ import annotations

import time

from django.http import Http404, HttpResponse
from django.shortcuts import render

from decisions import reports_sord
from governance.pdf import ReportRenderError, ReportTimeout


def public_sord(request):
    return render(request, "decisions/sord/public.html", reports_sord.public_context())


def public_sord_pdf(request):
    context = reports_sord.public_context()
    version = context["version"]
    if version is None:
        raise Http404("No Scheme of Reservation and Delegation is in force.")
    started = time.perf_counter()
    try:
        pdf, rendered = reports_sord.sord_pdf(context)
    except (ReportTimeout, ReportRenderError) as exc:
        return render(request, "decisions/sord/pdf_failed.html", {"message": str(exc)}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="scheme-of-delegation-v{version.number}.pdf"'
    )
    spent = (time.perf_counter() - started) * 1000
    response["Server-Timing"] = f"{'render' if rendered else 'cache'};dur={spent:.0f}"
    return response
