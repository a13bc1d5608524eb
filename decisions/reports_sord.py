"""The published Scheme of Reservation and Delegation: the approved version in force as
a public page and as a PDF.

What the public see: decision types, value bands, the deciding body (committee names)
or officer post (post titles and their organisations), the sign-off rule, and the
version's number, approval date and effective date. Not the names of the people
holding the posts: NHS bodies publish their schemes with post titles.

The PDF is self-contained (inline styles, no images or links to fetch) and rendered by
the core's isolated renderer (``governance.pdf``): a separate process with a time and a
memory limit (``REPORT_TIME_LIMIT``, ``REPORT_MEMORY_MB``) and a fetcher that refuses
every URL, whatever a decision type's text says.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from decisions.models import DecisionEntry, SordVersion
from decisions.views import sord_read as read
from governance.pdf import Rendered, render_isolated

__all__ = ["public_context", "render_sord_pdf", "sord_pdf_html"]


def public_context(version: SordVersion | None = None) -> dict:
    """What the public page and the PDF show: the version in force (``version`` is for
    tests and previews), or ``{"version": None}`` when no scheme is in force."""
    version = version or SordVersion.objects.in_force()
    if version is None:
        return {"version": None}
    entry = None
    if version.proposal_id:
        entry = (
            DecisionEntry.objects.filter(proposal_id=version.proposal_id, is_confidential=False)
            .only("reference", "decided_on")
            .first()
        )
    return {
        "version": version,
        "groups": read.bands_by_type(version, with_holders=False),
        "entry": entry,
        "minute": read.adoption_minute(version),
        "scheduled": read.approved_not_yet_in_force(),
        "generated": timezone.localtime(),
    }


def sord_pdf_html(context: dict) -> str:
    return render_to_string("decisions/sord/public_pdf.html", context)


def render_sord_pdf(context: dict) -> Rendered:
    """The PDF; raises ``governance.pdf.ReportTimeout`` or ``ReportRenderError``."""
    return render_isolated(
        sord_pdf_html(context),
        time_limit=float(getattr(settings, "REPORT_TIME_LIMIT", 120)),
        memory_mb=int(getattr(settings, "REPORT_MEMORY_MB", 2048)),
    )
