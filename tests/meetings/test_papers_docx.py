"""Papers written in Word: a real .docx (made here with python-docx) uploaded through the
paper page becomes sanitised semantic HTML that survives into the board pack; a picture
over the limit, a file that is not a .docx and a person who may not edit the paper are
refused with nothing written."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches

from governance.audit.models import AuditEvent
from governance.meetings import packbuild, wordpaper
from governance.meetings.models import Paper
from governance.meetings.services import agenda, papers
from governance.packs import layout
from tests.meetings.packhelpers import everything_readable, reader

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def png(width: int = 4, height: int = 3, *, noise: bool = False) -> bytes:
    """A real PNG image; with ``noise`` it does not compress (to make a large one)."""
    import os

    row = bytes([0]) + (os.urandom(width * 3) if noise else b"\x2a\x6e\xbb" * width)
    raw = (
        row * height
        if not noise
        else b"".join(bytes([0]) + os.urandom(width * 3) for _ in range(height))
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 1))
        + chunk(b"IEND", b"")
    )


def _hyperlink(paragraph, url: str, text: str) -> None:
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def make_docx(picture: bytes | None = None) -> bytes:
    """A paper as a secretariat writes it in Word."""
    doc = Document()
    doc.add_heading("Urgent treatment centre options", level=1)
    doc.add_paragraph("The board is asked to choose one of three options.")
    doc.add_heading("Options appraised", level=2)
    doc.add_paragraph("Do nothing", style="List Bullet")
    doc.add_paragraph("Extend the Calder hub", style="List Bullet")
    table = doc.add_table(rows=2, cols=2)
    for (r, c), text in {
        (0, 0): "Option",
        (0, 1): "Capital cost",
        (1, 0): "Extend the Calder hub",
        (1, 1): "£1,200,000",
    }.items():
        table.cell(r, c).text = text
    para = doc.add_paragraph("Read the ")
    _hyperlink(para, "https://www.england.nhs.uk/urgent-emergency-care/", "national guidance")
    doc.add_picture(io.BytesIO(picture or png()), width=Inches(1))
    doc.inline_shapes[0]._inline.docPr.set("descr", "Attendances by month")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "UTC options.docx", content_type: str = DOCX):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def paper(ics, board, make_meeting):
    sec = ics["secretariat"]
    meeting = make_meeting(days=20)
    item = agenda.item_add(actor=sec, meeting=meeting, title="Urgent care", purpose="decision")
    return papers.paper_create(actor=sec, item=item, author=ics["proposer"])


def url(paper) -> str:
    return reverse("meetings:paper-docx", args=[paper.item_id])


def test_word_paper_uploaded_keeps_structure_and_reaches_the_pack(client, ics, paper):
    client.force_login(ics["proposer"])  # the author (not on the board)
    response = client.post(url(paper), {"document": upload(make_docx())})
    assert response.status_code == 302
    paper.refresh_from_db()
    body = paper.body
    assert "<h2>Urgent treatment centre options</h2>" in body
    assert "<h3>Options appraised</h3>" in body
    assert "<ul><li>Do nothing</li><li>Extend the Calder hub</li></ul>" in body
    assert "<table>" in body and "£1,200,000" in body
    assert '<a href="https://www.england.nhs.uk/urgent-emergency-care/">national guidance</a>' in (
        body
    )
    assert '<img alt="Attendances by month" src="data:image/png;base64,' in body
    event = AuditEvent.objects.filter(verb="paper.updated").latest("pk")
    assert event.changes == {"fields": ["body"], "source": "UTC options.docx"}
    # the page shows it
    page = client.get(reverse("meetings:paper", args=[paper.item_id])).content.decode()
    assert "replaced with UTC options.docx" in page

    # the pack: the HTML the renderer is given, then the PDF itself
    sec = ics["secretariat"]
    papers.paper_approve(actor=sec, paper=paper)
    built = packbuild.build_spec(paper.item.meeting, "members")
    html = layout.build_html(built.spec, {})
    for fragment in (
        "<h2>Urgent treatment centre options</h2>",
        "<h3>Options appraised</h3>",
        "<li>Extend the Calder hub</li>",
        "<td><p>£1,200,000</p></td>",
        'href="https://www.england.nhs.uk/urgent-emergency-care/"',
        "data:image/png;base64,",
    ):
        assert fragment in html, fragment

    from governance.packs.engine import render_pack

    pdf = render_pack(built.spec, pdf_ua=False).pdf
    text = everything_readable(pdf)
    for words in ("Urgent treatment centre options", "Extend the Calder hub", "£1,200,000"):
        assert words in text, words
    images = [
        name
        for page in reader(pdf).pages
        for name, obj in (page["/Resources"].get("/XObject") or {}).items()
        if obj.get_object().get("/Subtype") == "/Image"
    ]
    assert images, "the picture is in the pack"


def test_heading_typed_in_the_editor_is_kept(client, ics, paper):
    """The bug: an <h2> typed in the paper was removed although the hint says headings
    are kept."""
    client.force_login(ics["proposer"])
    page = reverse("meetings:paper", args=[paper.item_id])
    response = client.post(page, {"body": "<h2>Background</h2><p>Since 2024.</p><h1>x</h1>"})
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.body == "<h2>Background</h2><p>Since 2024.</p>x"
    assert "headings" in client.get(page).content.decode().lower()


def test_picture_over_the_limit_is_a_field_error_and_nothing_is_written(
    client, ics, paper, settings, monkeypatch
):
    monkeypatch.setattr(wordpaper, "MAX_IMAGE_BYTES", 20_000)
    big = png(100, 100, noise=True)
    assert len(big) > 20_000
    client.force_login(ics["proposer"])
    before = AuditEvent.objects.count()
    response = client.post(url(paper), {"document": upload(make_docx(big))})
    assert response.status_code == 200
    form = response.context["docx_form"]
    assert "larger than" in " ".join(form.errors["document"])
    assert "Attendances by month" in " ".join(form.errors["document"])
    assert "Compress Pictures" in response.content.decode()
    paper.refresh_from_db()
    assert paper.body == ""
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("minutes.pdf", b"%PDF-1.7\n%fake\n"),
        ("paper.docx", b"%PDF-1.7\nnot a zip at all"),
        ("paper.docx", b"PK\x03\x04broken zip"),
        ("paper.doc", b"\xd0\xcf\x11\xe0 an old Word file"),
    ],
)
def test_a_file_that_is_not_a_docx_is_a_field_error(client, ics, paper, name, data):
    client.force_login(ics["proposer"])
    response = client.post(url(paper), {"document": upload(data, name)})
    assert response.status_code == 200
    errors = " ".join(response.context["docx_form"].errors["document"])
    assert ".docx" in errors or "Word document" in errors
    paper.refresh_from_db()
    assert paper.body == ""


def test_a_zip_that_is_not_a_word_document_is_refused(client, ics, paper):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")  # an OpenDocument, say
    client.force_login(ics["proposer"])
    response = client.post(url(paper), {"document": upload(out.getvalue(), "paper.docx")})
    assert "not a Word document" in " ".join(response.context["docx_form"].errors["document"])
    paper.refresh_from_db()
    assert paper.body == ""


def test_replacing_existing_text_needs_confirmation(client, ics, paper):
    papers.paper_update(actor=ics["secretariat"], paper=paper, body="<p>First draft.</p>")
    client.force_login(ics["proposer"])
    response = client.post(url(paper), {"document": upload(make_docx())})
    assert response.status_code == 200
    assert "replace" in response.context["docx_form"].errors
    paper.refresh_from_db()
    assert paper.body == "<p>First draft.</p>"
    response = client.post(url(paper), {"document": upload(make_docx()), "replace": "on"})
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.body.startswith("<h2>Urgent treatment centre options</h2>")


@pytest.mark.parametrize("who", ["chair", "auditor", "outsider"])
def test_wrong_role_cannot_upload(client, ics, people, paper, who, make_user):
    from governance.organisations.models import Role

    user = {
        "chair": people["chair"],  # a board member: reads the paper, may not write it
        "auditor": ics["auditor"],
        "outsider": make_user(ics["vcse"], Role.MEMBER, "vcse-member"),
    }[who]
    client.force_login(user)
    response = client.post(url(paper), {"document": upload(make_docx())})
    assert response.status_code in (403, 404)
    assert Paper.objects.get(pk=paper.pk).body == ""
    # nor does the page offer the upload
    page = client.get(reverse("meetings:paper", args=[paper.item_id]))
    if page.status_code == 200:
        assert url(paper) not in page.content.decode()


def test_anonymous_is_sent_to_sign_in(client, paper):
    response = client.post(url(paper), {"document": upload(make_docx())})
    assert response.status_code == 302 and "login" in response["Location"]


def test_service_refuses_before_reading(ics, people, paper):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        papers.paper_import_docx(
            actor=people["chair"], paper=paper, data=b"not read", filename="x.docx"
        )


def test_editor_is_offered_the_sanitisers_elements_only(client, ics, paper):
    """Each of the eight fields is a textarea the rich-text editor enhances (plain without
    JavaScript), told exactly the elements the sanitiser keeps."""
    from governance.packs.sanitise import ALLOWED_TAGS

    client.force_login(ics["proposer"])
    response = client.get(reverse("meetings:paper", args=[paper.item_id]))
    form = response.context["form"]
    assert len(form.fields) == 8
    for bound in form:
        attrs = bound.field.widget.attrs
        assert attrs["data-rich-text"] == "paper"
        offered = {part.split("[")[0] for part in attrs["data-valid-elements"].split(",")}
        assert offered == set(ALLOWED_TAGS)
        assert "h2" in offered and "script" not in offered and "h1" not in offered
    assert "a[href|title]" in form["body"].field.widget.attrs["data-valid-elements"]
    page = response.content.decode()
    assert page.count("<textarea") == 8 and "data-rich-text" in page
    assert "/static/tinymce/tinymce.min.js" in page and "/static/js/richtext.js" in page
    assert "<script>" not in page  # no inline script (CSP)
