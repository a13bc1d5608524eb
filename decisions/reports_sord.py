"""The published Scheme of Reservation and Delegation: the approved version in force as
a public page and as a PDF.

What the public see: decision types, value bands, the deciding body (committee names)
or officer post (post titles and their organisations), the sign-off rule, and the
version's number, approval date and effective date. Not the names of the people
holding the posts: NHS bodies publish their schemes with post titles.

The PDF is self-contained (inline styles, no images or links to fetch) and rendered by
the core's isolated renderer (``governance.pdf``): a separate process with a time and a
memory limit (``REPORT_TIME_LIMIT``, ``REPORT_MEMORY_MB``) and a fetcher that refuses
every URL, whatever a decision type's text says. As the URL is public and a render
takes seconds, the PDF is cached under the hash of its HTML (``sord_pdf``).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

from decisions import selectors_sord as read
from decisions.models import DecisionEntry, SordVersion
from governance.pdf import Rendered, render_isolated

__all__ = ["public_context", "render_sord_pdf", "sord_pdf", "sord_pdf_html"]

CACHE_SECONDS = 24 * 3600


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
    }


def sord_pdf_html(context: dict) -> str:
    return render_to_string("decisions/sord/public_pdf.html", context)


def sord_pdf(context: dict) -> tuple[bytes, bool]:
    """The PDF and whether it was rendered now (False: from the cache).

    Rendering takes seconds and the URL is public, so the PDF is kept in the cache under
    the hash of its HTML: the same scheme with the same names is rendered once, and any
    change (a new version, a renamed committee or post) makes a new one.
    """
    html = sord_pdf_html(context)
    key = "sord-pdf:" + hashlib.sha256(html.encode("utf-8")).hexdigest()
    pdf = cache.get(key)
    if pdf is not None:
        return pdf, False
    pdf = render_sord_pdf(html).pdf
    cache.set(key, pdf, CACHE_SECONDS)
    return pdf, True


def render_sord_pdf(html: str) -> Rendered:
    """Render the HTML; raises ``governance.pdf.ReportTimeout`` or ``ReportRenderError``."""
    return render_isolated(
        html,
        time_limit=float(getattr(settings, "REPORT_TIME_LIMIT", 120)),
        memory_mb=int(getattr(settings, "REPORT_MEMORY_MB", 2048)),
    )
