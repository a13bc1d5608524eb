"""Attaching papers (PDF) to proposals: checked by content, stored, audited."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from decisions import policy
from decisions.models import Proposal, ProposalAttachment, ProposalStatus
from governance import attachments
from governance.audit.services import audit_record
from governance.search.services import pdf_text, search_index_update

FIELD = "attachment"
# Papers are fixed once the secretariat has the proposal: to change them it is returned
# (or withdrawn), so every partner signs off the same papers.
ATTACHABLE_STATUSES = (ProposalStatus.DRAFT, ProposalStatus.RETURNED)


def _clean_name(name: str | None) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return (base or "attachment.pdf")[:255]


def _read(uploaded_file) -> bytes:
    limit = settings.ATTACHMENT_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            {
                FIELD: f"The file is {size / 1048576:.1f} MiB; "
                f"the limit is {limit / 1048576:.0f} MiB."
            }
        )
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({FIELD: f"The file is over the limit of {limit / 1048576:.0f} MiB."})
    return data


@transaction.atomic
def proposal_attach(*, actor, proposal: Proposal, uploaded_file) -> ProposalAttachment:
    """Attach a PDF to a draft or returned proposal. The file must be a readable,
    unencrypted PDF by its content (its name and declared type are not trusted)."""
    p = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not policy.can_edit(actor, p):
        raise PermissionDenied("You cannot add papers to this proposal.")
    if p.status not in ATTACHABLE_STATUSES:
        raise ValidationError(
            {
                FIELD: "Papers can be attached while the proposal is a draft or returned for "
                f"revision; it is now {p.get_status_display().lower()}."
            }
        )
    data = _read(uploaded_file)
    pages = attachments.inspect_pdf(data, field=FIELD)
    digest = attachments.sha256(data)
    if p.attachments.filter(sha256=digest).exists():
        raise ValidationError({FIELD: "This file is already attached to the proposal."})
    name = _clean_name(getattr(uploaded_file, "name", ""))
    attachment = ProposalAttachment(
        proposal=p,
        original_name=name,
        size=len(data),
        sha256=digest,
        pages=pages,
        uploaded_by=actor,
    )
    attachment.file.save(f"{digest[:16]}.pdf", ContentFile(data), save=False)
    attachment.save()
    audit_record(
        actor=actor,
        verb="proposal.attachment_added",
        target=p,
        organisation=p.proposing_organisation,
        changes={
            "attachment": {
                "id": attachment.pk,
                "name": name,
                "sha256": digest,
                "pages": pages,
                "size": len(data),
            }
        },
    )
    pdf_text(sha256=digest, data=data)  # extracted once, at upload
    search_index_update(p)
    return attachment
