"""Keeping the search index up to date. Called by the apps' services after a change.

The index is derived data (rebuilt at will by ``manage.py rebuild_search_index``), so
these functions write no audit event of their own: the service that changed the record
has audited the change.
"""

from __future__ import annotations

import io
import logging

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from governance.search import backend, registry
from governance.search.models import ExtractedText, SearchDocument

log = logging.getLogger(__name__)

MAX_PDF_TEXT = 500_000  # characters kept of one PDF's text
MAX_BODY = 1_000_000  # characters indexed of one document


@transaction.atomic
def search_index_update(record: Model) -> list[SearchDocument]:
    """(Re)index ``record``: write its current documents, delete those it no longer has
    (e.g. a paper's public document once its item moves to Part 2). A record of a kind
    nobody registered is ignored."""
    kind = registry.kind_of(record)
    if kind is None:
        return []
    docs = {d.audience: d for d in kind.build(record)}
    existing = {
        d.audience: d for d in SearchDocument.objects.filter(kind=kind.name, object_id=record.pk)
    }
    gone = [d.pk for a, d in existing.items() if a not in docs]
    if gone:
        backend.forget(gone)
        SearchDocument.objects.filter(pk__in=gone).delete()
    written = []
    now = timezone.now()
    for audience, d in docs.items():
        row = existing.get(audience) or SearchDocument(
            kind=kind.name, object_id=record.pk, audience=audience
        )
        row.title = d.title[:400]
        row.body = d.body[:MAX_BODY]
        row.url = d.url
        row.organisation_ids = sorted(set(d.organisation_ids))
        row.public_from = d.public_from
        row.updated_at = now
        row.save()
        written.append(row)
    backend.write(written)
    return written


@transaction.atomic
def search_index_remove(*, kind: str, object_id: int) -> int:
    rows = SearchDocument.objects.filter(kind=kind, object_id=object_id)
    backend.forget(rows.values_list("pk", flat=True))
    return rows.delete()[0]


@transaction.atomic
def search_index_meeting(meeting, *, item=None) -> int:
    """Reindex the documents that show ``meeting``: its papers (or only ``item``'s) and its
    minutes. Their titles carry the meeting's date and committee; whether a paper has a
    public document at all follows its item's part and the meeting's session; its
    ``public_from`` follows the meeting's date; the public minutes leave Part 2 items out.

    The meetings services call it in the same transaction as the change, not on commit:
    the index lives in the same database, so a Part 1 item moved to Part 2 leaves public
    search in the very commit that moves it (no window, nothing lost if the process dies
    after the commit), and a rolled-back change leaves the index as it was. The cost is
    one meeting's papers, paid by a secretariat's edit. Returns the records reindexed."""
    from governance.meetings.models import Minutes, Paper

    papers = Paper.objects.select_related("item__meeting__committee").filter(item__meeting=meeting)
    if item is not None:
        papers = papers.filter(item=item)
    records = [
        *papers,
        *Minutes.objects.select_related("meeting__committee").filter(meeting=meeting),
    ]
    for record in records:
        search_index_update(record)
    return len(records)


@transaction.atomic
def search_index_committee(committee) -> int:
    """Reindex every meeting of ``committee`` (after its name or publication rule
    changed: both are in its papers' and minutes' documents)."""
    return sum(search_index_meeting(m) for m in committee.meetings.all())


def search_index_rebuild(*, kinds: list[str] | None = None, stdout=None) -> dict[str, int]:
    """Reindex every record of every (or the named) kind; drop documents of records gone."""
    counts = {}
    for name, kind in registry.kinds().items():
        if (kinds and name not in kinds) or kind.all is None:
            continue
        seen = []
        n = 0
        for record in kind.all().iterator(chunk_size=500):
            with transaction.atomic():
                search_index_update(record)
            seen.append(record.pk)
            n += 1
        stale = SearchDocument.objects.filter(kind=name).exclude(object_id__in=seen)
        backend.forget(stale.values_list("pk", flat=True))
        stale.delete()
        counts[name] = n
        if stdout is not None:
            stdout.write(f"{name}: {n} records indexed")
    return counts


def pdf_text(*, sha256: str, data: bytes | None = None, file=None) -> str:
    """The text of an uploaded PDF, extracted with pypdf once and kept by its SHA-256.

    Call it at upload time (with ``data``) so the extraction is paid once; later calls
    read the stored text. A PDF pypdf cannot read gives no text (logged), not an error.
    """
    found = ExtractedText.objects.filter(sha256=sha256).first()
    if found is not None:
        return found.text
    if data is None and file is not None:
        try:
            with file.open("rb") as fh:
                data = fh.read()
        except OSError:
            log.warning("search: appendix file %s is missing", sha256[:12])
            return ""
    if data is None:
        return ""
    text, pages = _extract(data)
    ExtractedText.objects.update_or_create(sha256=sha256, defaults={"text": text, "pages": pages})
    return text


def _extract(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        parts, size = [], 0
        for page in reader.pages:
            chunk = page.extract_text() or ""
            parts.append(chunk)
            size += len(chunk)
            if size >= MAX_PDF_TEXT:
                break
        return " ".join(" ".join(parts).split())[:MAX_PDF_TEXT], len(reader.pages)
    except Exception:  # any unreadable PDF simply has no searchable text
        log.warning("search: could not extract text from a PDF", exc_info=True)
        return "", 0
