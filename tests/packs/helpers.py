"""Reading packs back with pypdf, and a tiny HTTP server that records requests."""

from __future__ import annotations

import http.server
import io
import re
import threading
from contextlib import contextmanager

from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(pdf).pages]


def outline(pdf: bytes) -> list[tuple[str, int, int]]:
    """(title, 1-based page, level) for every bookmark, in order."""
    r = reader(pdf)
    out: list[tuple[str, int, int]] = []

    def walk(entries, level):
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, level + 1)
            else:
                out.append((entry.title, r.get_destination_page_number(entry) + 1, level))

    walk(r.outline, 1)
    return out


def metadata_text(pdf: bytes) -> str:
    r = reader(pdf)
    info = " ".join(str(v) for v in (r.metadata or {}).values())
    root = r.trailer["/Root"]
    xmp = root["/Metadata"].get_data().decode("utf-8", "replace") if "/Metadata" in root else ""
    return f"{info}\n{xmp}"


def embedded_files(pdf: bytes) -> list[str]:
    """Names of embedded files and file-attachment annotations anywhere in the PDF."""
    r = reader(pdf)
    found = []
    root = r.trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("catalog /EmbeddedFiles")
    if "/AF" in root:
        found.append("catalog /AF")
    for number, page in enumerate(r.pages, start=1):
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                found.append(f"page {number} file attachment")
    return found


def raw_objects_text(pdf: bytes) -> str:
    """Every object's text (decoded streams too) — metadata, outline, names, everything
    that is not glyph-encoded page text."""
    r = reader(pdf)
    size = int(r.trailer["/Size"])
    chunks = []
    for number in range(1, size):
        try:
            obj = IndirectObject(number, 0, r).get_object()
        except Exception:  # noqa: S112 - free or unreadable object numbers
            continue
        if isinstance(obj, StreamObject):
            if obj.get("/Type") in ("/ObjStm", "/XRef"):
                continue  # offset tables: the objects inside are read one by one above
            try:
                chunks.append(obj.get_data().decode("latin-1"))
            except Exception:  # noqa: S112
                continue
        else:
            chunks.append(str(obj))
    return "\n".join(chunks)


def flat(text: str) -> str:
    """Extracted text with line breaks (including after hyphens) undone."""
    return re.sub(r"-\n", "-", text).replace("\n", " ")


def loose(title: str) -> str:
    """A regex for ``title`` as extracted text, where it may wrap at spaces or hyphens."""
    return r"\s+".join(re.escape(word).replace(r"\-", r"-\s*") for word in title.split())


def agenda_page_refs(agenda_text: str, number: str, title: str) -> int:
    """The page number printed on the agenda line of item ``number``."""
    pattern = rf"^{re.escape(number)}\s+{loose(title)}\b.*?^(\d+)$"
    match = re.search(pattern, agenda_text, re.M | re.S)
    assert match, f"agenda line for item {number} ({title}) not found"
    return int(match.group(1))


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def recording_server():
    """A local HTTP server on 127.0.0.1 that records every request it receives."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def reset_broker_connections(app) -> None:
    """Forget every cached broker connection after a test changed the broker settings."""
    from kombu import pools

    pools.reset()
    app._after_fork()  # drops the app's cached connection and producer pools


def fetch_report(client, url: str, on_commit):
    """A report rendered as a job (governance.packs.reports), as a browser meets it: the
    first GET answers 303 to the job's page (which, with PACK_JOBS_INLINE, already links
    the file), and a second GET of the same URL answers the cached PDF. Returns that
    response, its body read into ``.content``. ``on_commit``: pytest-django's
    ``django_capture_on_commit_callbacks`` (the job starts when its transaction commits,
    which the test's own transaction holds back)."""
    with on_commit(execute=True):
        first = client.get(url)
    assert first.status_code == 303, (url, first.status_code)
    page = client.get(first["Location"])
    assert page.status_code == 200
    assert "app-job__link" in page.content.decode()
    second = client.get(url)
    assert second.status_code == 200, (url, second.status_code)
    from django.http import HttpResponse

    read = HttpResponse(b"".join(second.streaming_content), status=second.status_code)
    for header, value in second.items():
        read[header] = value
    return read
