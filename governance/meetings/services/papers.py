"""Papers: cover sheets in sanitised rich text, PDF appendices, submission and approval.

A paper submitted after its due date (the committee's ``papers_due_days`` before the
meeting) is marked late; it is still approved in the normal way and goes out in a
supplementary pack with a re-issued full pack.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from governance import attachments
from governance.meetings import policy, selectors, wordpaper
from governance.meetings.models import (
    RICH_TEXT_FIELDS,
    AgendaItem,
    MeetingStatus,
    Paper,
    PaperAppendix,
    PaperStatus,
)
from governance.meetings.services._common import audit, require_manager
from governance.search.services import pdf_text, search_index_update

MAX_RICH_TEXT = 200_000  # characters of text, not counting embedded pictures
MAX_RICH_TEXT_WITH_PICTURES = 12_000_000  # everything, pictures included (base64)
DATA_URL_RE = re.compile(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=\s]*", re.IGNORECASE)


def clean(value: str) -> str:
    """User rich text, sanitised by the one project sanitiser before it is stored."""
    from governance.packs.sanitise import clean_html

    return clean_html(value or "").strip()


def _lock(paper: Paper) -> Paper:
    return (
        Paper.objects.select_for_update()
        .select_related("item__meeting__committee")
        .get(pk=paper.pk)
    )


def _require_live(item: AgendaItem) -> None:
    if item.meeting.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED):
        raise ValidationError(
            f"The meeting is {item.meeting.get_status_display().lower()}: papers are closed."
        )


def _late_now(paper: Paper) -> bool:
    return timezone.localdate() > selectors.papers_due_date(paper.item.meeting)


def _changed_after_approval(actor, p: Paper, what: str) -> None:
    """An approved paper that changes goes back to the secretariat as a new revision."""
    if p.status == PaperStatus.APPROVED:
        p.revision += 1
        p.status = PaperStatus.SUBMITTED
        p.submitted_at = timezone.now()
        p.is_late = p.is_late or _late_now(p)
        p.approved_at = None
        p.approved_by = None
        audit(
            actor,
            "paper.revised",
            p,
            p.item.meeting.committee,
            {"revision": p.revision, "changed": what},
        )


@transaction.atomic
def paper_create(*, actor, item: AgendaItem, author=None) -> Paper:
    """Commission the item's paper from an author (the secretariat, by default)."""
    item = AgendaItem.objects.select_related("meeting__committee").get(pk=item.pk)
    require_manager(actor, item.meeting.committee)
    _require_live(item)
    if Paper.objects.filter(item=item).exists():
        raise ValidationError("This item already has a paper.")
    author = author or actor
    if not author.is_active:
        raise ValidationError({"author": "This account is not active."})
    paper = Paper.objects.create(item=item, author=author)
    audit(actor, "paper.created", paper, item.meeting.committee, {"author": author.pk})
    search_index_update(paper)
    return paper


def _too_long(value: str) -> str | None:
    """The error for rich text over the limits, or None."""
    if len(value) > MAX_RICH_TEXT_WITH_PICTURES:
        return "The pictures are too large: compress them and try again."
    if len(DATA_URL_RE.sub("", value)) > MAX_RICH_TEXT:
        return f"At most {MAX_RICH_TEXT:,} characters."
    return None


@transaction.atomic
def paper_update(*, actor, paper: Paper, source: str = "", **fields) -> Paper:
    """Write the cover sheet and body; every field is sanitised on the way in.
    ``source`` names where the text came from (a Word document's file name) for the audit.
    """
    unknown = set(fields) - set(RICH_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    p = _lock(paper)
    if not policy.can_edit_paper(actor, p):
        raise PermissionDenied("Only the paper's author or the secretariat can edit it.")
    _require_live(p.item)
    errors = {}
    changed = []
    for key, value in fields.items():
        problem = _too_long(value or "")
        if problem:
            errors[key] = [problem]
            continue
        value = clean(value)
        if getattr(p, key) != value:
            setattr(p, key, value)
            changed.append(key)
    if errors:
        raise ValidationError(errors)
    if not changed:
        return p
    _changed_after_approval(actor, p, ", ".join(changed))
    p.updated_at = timezone.now()
    p.save()
    changes = {"fields": changed, **({"source": source} if source else {})}
    audit(actor, "paper.updated", p, p.item.meeting.committee, changes)
    search_index_update(p)
    return p


def paper_import_docx(*, actor, paper: Paper, data: bytes, filename: str) -> wordpaper.Converted:
    """Replace the paper's body with a Word document (.docx), converted and sanitised.

    Refused (nothing written) for a file that is not a .docx, or with a picture over the
    size limit; the error is keyed ``document``. The permission is checked before the
    document is read, and again (with the paper locked) when the body is written.
    """
    if not policy.can_edit_paper(actor, paper):
        raise PermissionDenied("Only the paper's author or the secretariat can edit it.")
    name = (filename or "").strip()
    if not name.lower().endswith(".docx"):
        raise ValidationError(
            {
                wordpaper.FIELD: "Choose a Word document ending .docx (older .doc files: save "
                "them as .docx in Word first)."
            }
        )
    converted = wordpaper.docx_to_html(data)
    try:
        paper_update(actor=actor, paper=paper, source=name[:255], body=converted.html)
    except ValidationError as exc:
        # the converted body is over a limit: say so against the uploaded document
        raise ValidationError({wordpaper.FIELD: exc.messages}) from exc
    return converted


@transaction.atomic
def paper_submit(*, actor, paper: Paper) -> Paper:
    p = _lock(paper)
    if not policy.can_edit_paper(actor, p):
        raise PermissionDenied("Only the paper's author or the secretariat can submit it.")
    _require_live(p.item)
    if p.status not in (PaperStatus.DRAFT, PaperStatus.RETURNED):
        raise ValidationError(f"The paper is {p.get_status_display().lower()}.")
    if not (p.executive_summary or p.body or p.appendices.exists()):
        raise ValidationError(
            {"executive_summary": "Write the executive summary (or the paper) before submitting."}
        )
    before = p.status
    p.status = PaperStatus.SUBMITTED
    p.submitted_at = timezone.now()
    p.is_late = _late_now(p)
    p.save()
    audit(
        actor,
        "paper.submitted",
        p,
        p.item.meeting.committee,
        {"status": {"before": before, "after": p.status}, "late": p.is_late},
    )
    search_index_update(p)
    return p


@transaction.atomic
def paper_approve(*, actor, paper: Paper) -> Paper:
    """The secretariat approves the paper for the pack (a draft it wrote itself too)."""
    p = _lock(paper)
    require_manager(actor, p.item.meeting.committee)
    _require_live(p.item)
    if p.status == PaperStatus.APPROVED:
        raise ValidationError("The paper is already approved.")
    if not (p.executive_summary or p.body or p.appendices.exists()):
        raise ValidationError({"executive_summary": "The paper is empty."})
    before = p.status
    if p.submitted_at is None or p.status in (PaperStatus.DRAFT, PaperStatus.RETURNED):
        p.submitted_at = timezone.now()
        p.is_late = _late_now(p)
    p.status = PaperStatus.APPROVED
    p.approved_at = timezone.now()
    p.approved_by = actor
    p.save()
    audit(
        actor,
        "paper.approved",
        p,
        p.item.meeting.committee,
        {
            "status": {"before": before, "after": p.status},
            "late": p.is_late,
            "revision": p.revision,
        },
    )
    search_index_update(p)
    return p


@transaction.atomic
def paper_return(*, actor, paper: Paper, reason: str) -> Paper:
    p = _lock(paper)
    require_manager(actor, p.item.meeting.committee)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what the author should change."})
    if p.status != PaperStatus.SUBMITTED:
        raise ValidationError("Only a submitted paper can be returned.")
    p.status = PaperStatus.RETURNED
    p.return_reason = reason
    p.save()
    audit(actor, "paper.returned", p, p.item.meeting.committee, {"status": "returned"}, reason)
    search_index_update(p)
    return p


@transaction.atomic
def appendix_add(*, actor, paper: Paper, title: str, data: bytes, filename: str) -> PaperAppendix:
    p = _lock(paper)
    if not policy.can_edit_paper(actor, p):
        raise PermissionDenied("Only the paper's author or the secretariat can add appendices.")
    _require_live(p.item)
    title = (title or "").strip() or (filename or "Appendix").rsplit(".", 1)[0]
    pages = attachments.inspect_pdf(data, field="file")
    digest = attachments.sha256(data)
    appendix = PaperAppendix(
        paper=p,
        title=title[:200],
        position=p.appendices.count() + 1,
        original_name=(filename or "appendix.pdf")[:255],
        size=len(data),
        sha256=digest,
        pages=pages,
        uploaded_by=actor,
    )
    appendix.file.save(f"{digest[:16]}.pdf", ContentFile(data), save=False)
    appendix.save()
    _changed_after_approval(actor, p, f"appendix {appendix.title}")
    p.updated_at = timezone.now()
    p.save()
    audit(
        actor,
        "paper.appendix_added",
        appendix,
        p.item.meeting.committee,
        {"paper": p.pk, "pages": pages, "sha256": digest, "size": len(data)},
    )
    pdf_text(sha256=digest, data=data)  # extracted once, at upload
    search_index_update(p)
    return appendix


@transaction.atomic
def appendix_remove(*, actor, appendix: PaperAppendix) -> None:
    p = _lock(appendix.paper)
    if not policy.can_edit_paper(actor, p):
        raise PermissionDenied("Only the paper's author or the secretariat can remove appendices.")
    _require_live(p.item)
    audit(
        actor,
        "paper.appendix_removed",
        appendix,
        p.item.meeting.committee,
        {"paper": p.pk, "sha256": appendix.sha256},
    )
    appendix.delete()  # the stored file is kept: packs already issued may include it
    _changed_after_approval(actor, p, "appendix removed")
    p.updated_at = timezone.now()
    p.save()
    search_index_update(p)
