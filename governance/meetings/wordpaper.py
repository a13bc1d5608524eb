"""A paper written in Word: a .docx converted to the clean HTML papers are stored in.

``mammoth`` turns the document's structure (not its look) into semantic HTML: Word's
headings become ``<h2>``–``<h6>`` (Heading 1 is the paper's top level, ``<h2>``, under
the pack's item title), lists ``<ul>``/``<ol>``, tables ``<table>``, hyperlinks ``<a>``
and pictures ``<img>`` embedded as ``data:`` URLs. The result then goes through the one
project sanitiser (``governance.packs.sanitise.clean_html``) like anything typed into
the editor, so a Word document can carry nothing the editor could not.

Pictures are kept only as PNG, JPEG or GIF (the types a pack embeds; checked by their
bytes, not the type the document claims) and each is limited in size; a document with a
picture over the limit is refused with a clear error, never silently shrunk. Pictures in
other formats (EMF/WMF drawings, TIFF) are left out and counted, so the page can say so.
Linked (external) pictures are never fetched.

Nothing here writes: :func:`docx_to_html` raises ``ValidationError`` keyed to the form's
``document`` field, and the service stores the result.
"""

from __future__ import annotations

import base64
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError

FIELD = "document"
MAX_DOCX_BYTES = 20 * 1024 * 1024  # the upload itself
MAX_UNZIPPED_BYTES = 80 * 1024 * 1024  # a zip bomb is refused before it is read
MAX_ZIP_ENTRIES = 2000
MAX_IMAGE_BYTES = 2 * 1024 * 1024  # one picture
MAX_IMAGES_BYTES = 8 * 1024 * 1024  # all pictures of one paper

# Word's headings one level down: the pack prints the item's title as <h1>.
STYLE_MAP = """
p[style-name='Title'] => h2:fresh
p[style-name='Heading 1'] => h2:fresh
p[style-name='Heading 2'] => h3:fresh
p[style-name='Heading 3'] => h4:fresh
p[style-name='Heading 4'] => h5:fresh
p[style-name='Heading 5'] => h6:fresh
p[style-name='Heading 6'] => h6:fresh
"""


@dataclass(frozen=True)
class Converted:
    html: str
    images: int
    images_left_out: int


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _image_type(data: bytes) -> str | None:
    """PNG, JPEG or GIF by the bytes (the types the pack's fetcher serves), else None."""
    from governance.packs.fetcher import IMAGE_SIGNATURES

    for content_type, signatures in IMAGE_SIGNATURES.items():
        if data.startswith(signatures):
            return content_type
    return None


def _check_zip(data: bytes) -> None:
    if len(data) > MAX_DOCX_BYTES:
        raise ValidationError({FIELD: f"The document is larger than {_mb(MAX_DOCX_BYTES)}."})
    not_docx = ValidationError(
        {FIELD: "This is not a Word document (.docx). Save it from Word as a .docx and try again."}
    )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise not_docx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise not_docx from exc
    if "word/document.xml" not in names:
        raise not_docx
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNZIPPED_BYTES:
        raise ValidationError({FIELD: "The document is too large to read."})


def docx_to_html(data: bytes) -> Converted:
    """The paper's body from a .docx: semantic HTML, sanitised; or a ValidationError."""
    import mammoth

    from governance.packs.sanitise import clean_html

    _check_zip(data)
    too_large: list[str] = []
    counts = {"kept": 0, "left_out": 0, "bytes": 0}

    @mammoth.images.img_element
    def embed(image) -> dict[str, str]:
        with image.open() as handle:
            raw = handle.read(MAX_IMAGE_BYTES + 1)
        content_type = _image_type(raw)
        if content_type is None:
            counts["left_out"] += 1
            return {}
        if len(raw) > MAX_IMAGE_BYTES:
            too_large.append(image.alt_text or f"picture {counts['kept'] + 1}")
            return {}
        counts["kept"] += 1
        counts["bytes"] += len(raw)
        return {"src": f"data:{content_type};base64,{base64.b64encode(raw).decode('ascii')}"}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=STYLE_MAP,
            include_embedded_style_map=False,
            external_file_access=False,
            convert_image=embed,
        )
    except Exception as exc:  # zipfile, lxml and mammoth raise their own errors
        raise ValidationError(
            {FIELD: "The document could not be read. Open it in Word, save it again and retry."}
        ) from exc
    if too_large:
        raise ValidationError(
            {
                FIELD: f"{len(too_large)} picture(s) are larger than {_mb(MAX_IMAGE_BYTES)} "
                f"each ({', '.join(too_large[:3])}). Compress the pictures in Word "
                "(Picture Format → Compress Pictures) and upload it again."
            }
        )
    if counts["bytes"] > MAX_IMAGES_BYTES:
        raise ValidationError(
            {
                FIELD: f"The pictures add up to more than {_mb(MAX_IMAGES_BYTES)}. Compress "
                "them in Word (Picture Format → Compress Pictures) and upload it again."
            }
        )
    html = clean_html(result.value).strip()
    if not html:
        raise ValidationError({FIELD: "The document has no text."})
    return Converted(html=html, images=counts["kept"], images_left_out=counts["left_out"])
