"""The history page of a record and its printable PDF, to exactly who may see the record
(the provider's ``get`` uses the app's own permission-scoped selector)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from governance.audit.reads import record_read
from governance.history import builder, registry
from governance.pdf import render_isolated


def _history(request, subject: str, pk: int, how: str) -> builder.History:
    try:
        provider = registry.provider(subject)
    except LookupError:
        raise Http404("No such kind of record.") from None
    record = provider.get(request.user, pk)  # Http404 unless the user may see it
    if provider.confidential(record):
        record_read(user=request.user, target=record, how=how, request=request)
    return builder.build(provider, record, user=request.user)


@login_required
@require_GET
def detail(request, subject: str, pk: int):
    history = _history(request, subject, pk, "page")
    return render(request, "history/detail.html", {"history": history})


@login_required
@require_GET
def pdf(request, subject: str, pk: int):
    history = _history(request, subject, pk, "download")
    html = render_to_string(
        "history/history_pdf.html", {"history": history, "printed_at": timezone.now()}
    )
    rendered = render_isolated(
        html,
        time_limit=float(getattr(settings, "REPORT_TIME_LIMIT", 120)),
        memory_mb=int(getattr(settings, "REPORT_MEMORY_MB", 2048)),
    )
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    name = f"history-{subject}-{pk}-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Server-Timing"] = f"render;dur={rendered.seconds * 1000:.0f}"
    return response
