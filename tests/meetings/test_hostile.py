"""Hostile papers: whatever the HTML says, rendering a pack fetches nothing."""

from __future__ import annotations

import http.server
import threading

import pytest
from django.utils import timezone

from governance.meetings import packbuild
from governance.meetings.models import Paper
from governance.meetings.services import agenda, papers
from governance.packs.engine import render_pack
from tests.meetings.packhelpers import everything_readable, reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"body{background:red}")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def hostile(base: str) -> str:
    return (
        f'<link rel="attachment" href="file:///etc/passwd">'
        f'<link rel="stylesheet" href="{base}/style.css">'
        f"<style>@import url({base}/import.css); body {{ background: url({base}/bg.png) }}</style>"
        f'<p style="background:url({base}/inline.png)">Styled</p>'
        f'<img src="{base}/pixel.png" alt="tracker">'
        f'<img src="file:///etc/passwd">'
        f'<a href="{base}/link">a link</a> <a href="file:///etc/hostname">local</a>'
        f'<iframe src="{base}/frame"></iframe><object data="{base}/obj"></object>'
        f'<svg><image href="{base}/svg.png"/></svg>'
        f'<script src="{base}/x.js"></script>'
    )


def test_hostile_html_is_cleaned_on_save_and_fetches_nothing(ics, make_meeting, listener):
    base, hits = listener
    sec = ics["secretariat"]
    m = make_meeting(days=10)
    item = agenda.item_add(actor=sec, meeting=m, title="Hostile paper", purpose="noting")
    paper = papers.paper_create(actor=sec, item=item)
    papers.paper_update(actor=sec, paper=paper, body=hostile(base), risks=hostile(base))
    paper.refresh_from_db()
    for field in (paper.body, paper.risks):
        assert "file:" not in field and "127.0.0.1" not in field and "<link" not in field
        assert "<style" not in field and "<iframe" not in field and "<script" not in field
    # even HTML that bypassed the services (e.g. an old row) is cleaned by the engine
    Paper.objects.filter(pk=paper.pk).update(
        executive_summary=hostile(base),
        status="approved",
        approved_by=sec,
        approved_at=timezone.now(),
    )
    built = packbuild.build_spec(m, "members")
    rendered = render_pack(built.spec)
    assert hits == []
    text = everything_readable(rendered.pdf)
    assert "root:x:0:0" not in text
    r = reader(rendered.pdf)
    names = r.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert b"/EmbeddedFile" not in rendered.pdf
