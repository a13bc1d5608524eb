"""The BAF report PDF: the reader's risks only, the heat map in it, nothing fetched."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from governance.risks import reports
from tests.packs.helpers import fetch_report

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_report_holds_the_readers_risks_and_the_heat_map(
    client, rics, registered_risk, django_capture_on_commit_callbacks
):
    registered_risk(title="Shared finance risk", current=(4, 4))
    registered_risk(title="Trust only risk", org="trust", actor="trust_member", partners=())
    client.force_login(rics["council_sign"])
    response = fetch_report(client, "/risks/report.pdf", django_capture_on_commit_callbacks)
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    assert "Board Assurance Framework" in text
    assert "Shared finance risk" in text
    assert "Trust only risk" not in text  # the council is not party to it
    assert "Almost certain" in text and "Catastrophic" in text  # the heat map's labels
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title.startswith("Board Assurance Framework")
    client.force_login(rics["outsider"])
    again = fetch_report(client, "/risks/report.pdf", django_capture_on_commit_callbacks)
    assert "Shared finance risk" not in text_of(again.content)


def test_rendering_fetches_nothing_even_from_hostile_text(rics, registered_risk):
    registered_risk(
        title='<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/hostname">',
        controls='<img src="http://127.0.0.1:9/x.png">',
    )
    rendered = reports.render_baf_report(rics["secretariat"])
    assert rendered.refused == []  # escaped: no element, so no request at all
    assert b"/EmbeddedFile" not in rendered.pdf
    assert rendered.seconds < 30


def test_rendering_is_stopped_at_its_time_limit(
    client, rics, registered_risk, settings, django_capture_on_commit_callbacks
):
    registered_risk()
    settings.REPORT_TIME_LIMIT = 0.05
    with pytest.raises(reports.ReportTimeout):
        reports.render_baf_report(rics["secretariat"])
    client.force_login(rics["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/risks/report.pdf")
    assert response.status_code == 303  # the render failed: its page says why
    page = client.get(response["Location"]).content.decode()
    assert "It failed" in page and "took longer than" in page and "Retry" in page


def test_the_fetcher_refuses_every_url():
    fetcher = reports.DenyAllURLFetcher()
    html = (
        '<link rel="attachment" href="file:///etc/hostname">'
        '<img src="http://127.0.0.1:9/x.png"><img src="data:image/png;base64,iVBORw0KGgo=">'
        '<link rel="stylesheet" href="https://example.org/x.css"><p>Hello</p>'
    )
    pdf = HTML(string=html, base_url=reports.BASE_URL, url_fetcher=fetcher).write_pdf()
    assert b"/EmbeddedFile" not in pdf
    assert any(u.startswith("file:///etc/hostname") for u in fetcher.refused)
    assert any(u.startswith("http://127.0.0.1") for u in fetcher.refused)
    assert any(u.startswith("https://example.org") for u in fetcher.refused)
    with pytest.raises(reports.URLRefused):
        fetcher.open("file:///etc/passwd")
