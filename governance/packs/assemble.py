"""Putting uploaded PDFs into the rendered pack with pypdf.

The technique ("page numbers that agree"): count each appendix's pages first; the
layout lays out one placeholder page per appendix page (A4, portrait or landscape to
match), so WeasyPrint numbers every page, prints "Page N of M" in the footer band of
each placeholder, resolves the agenda's ``target-counter()`` references and writes the
bookmarks. Then each appendix page is turned into a Form XObject and drawn onto its
placeholder, scaled to fit above the footer band. The placeholder page objects stay
where they are, so page numbers, footers, bookmarks and named destinations are all
still right, and nothing has to be re-numbered.

Only the page's drawing is taken from the upload: not its annotations (links, form
fields, file attachments), scripts, actions or document-level metadata.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    RectangleObject,
)

MM = 72 / 25.4
FOOTER_BAND = 14 * MM  # must match the bottom margin of @page apx-p / apx-l in pack.css
INSET = 4 * MM  # white space around the drawn page inside the placeholder

Matrix = tuple[float, float, float, float, float, float]


class AppendixError(ValueError):
    """An appended PDF cannot be used (damaged, encrypted, empty)."""


@dataclass
class AppendixSource:
    """An opened appendix: its reader and, per page, whether it is landscape."""

    label: str
    reader: PdfReader
    landscape: list[bool]


def open_appendix(data: bytes, label: str) -> AppendixSource:
    """Read an uploaded PDF and work out each page's displayed orientation."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise AppendixError(f"{label} is password-protected.")
        shapes = []
        for page in reader.pages:
            width, height = _displayed_size(page)
            shapes.append(width > height)
    except AppendixError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise AppendixError(f"{label} is not a readable PDF ({exc}).") from exc
    if not shapes:
        raise AppendixError(f"{label} has no pages.")
    return AppendixSource(label, reader, shapes)


def _displayed_size(page) -> tuple[float, float]:
    box = page.cropbox
    width, height = float(box.width), float(box.height)
    if width <= 0 or height <= 0:
        raise AppendixError("a page has an empty crop box")
    return (height, width) if page.rotation % 180 else (width, height)


def _then(m1: Matrix, m2: Matrix) -> Matrix:
    """Apply ``m1`` then ``m2`` (PDF row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def fit_matrix(
    page, target_width: float, target_height: float
) -> tuple[Matrix, tuple[float, float, float, float]]:
    """Map ``page``'s visible area (crop box, honouring /Rotate) into the placeholder:
    scaled to fit above the footer band, centred. Returns the matrix and the crop box."""
    box = page.cropbox
    x0, y0 = float(box.left), float(box.bottom)
    w, h = float(box.width), float(box.height)
    rotation = page.rotation % 360
    matrix: Matrix = (1, 0, 0, 1, -x0, -y0)
    turn: dict[int, Matrix] = {
        0: (1, 0, 0, 1, 0, 0),
        90: (0, -1, 1, 0, 0, w),
        180: (-1, 0, 0, -1, w, h),
        270: (0, 1, -1, 0, h, 0),
    }
    matrix = _then(matrix, turn.get(rotation, turn[0]))
    shown_w, shown_h = (h, w) if rotation in (90, 270) else (w, h)
    area_w = target_width - 2 * INSET
    area_h = target_height - FOOTER_BAND - 2 * INSET
    scale = min(area_w / shown_w, area_h / shown_h)
    tx = (target_width - shown_w * scale) / 2
    ty = FOOTER_BAND + INSET + (area_h - shown_h * scale) / 2
    matrix = _then(matrix, (scale, 0, 0, scale, tx, ty))
    return matrix, (x0, y0, x0 + w, y0 + h)


def _page_data(page) -> bytes:
    contents = page.get_contents()
    return contents.get_data() if contents is not None else b""


def _form_xobject(writer: PdfWriter, page, bbox) -> object:
    form = DecodedStreamObject()
    form.set_data(_page_data(page))
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = RectangleObject(bbox)
    resources = page.get("/Resources")
    form[NameObject("/Resources")] = (
        resources.clone(writer) if resources is not None else DictionaryObject()
    )
    if "/Group" in page:
        form[NameObject("/Group")] = page["/Group"].clone(writer)
    return writer._add_object(form.flate_encode())  # pypdf has no public add_object


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def draw_onto(writer: PdfWriter, target_index: int, page, name: str) -> None:
    """Draw ``page`` (from an appendix) onto the placeholder page ``target_index``."""
    target = writer.pages[target_index]
    width, height = float(target.mediabox.width), float(target.mediabox.height)
    matrix, bbox = fit_matrix(page, width, height)
    xobject = _form_xobject(writer, page, bbox)
    resources = target.get("/Resources")
    if resources is None:
        resources = DictionaryObject()
        target[NameObject("/Resources")] = resources
    xobjects = resources.get("/XObject")
    if xobjects is None:
        xobjects = DictionaryObject()
        resources[NameObject("/XObject")] = xobjects
    xobjects[NameObject(f"/{name}")] = xobject
    numbers = " ".join(f"{v:.6f}".rstrip("0").rstrip(".") or "0" for v in matrix)
    original = target.raw_get("/Contents") if "/Contents" in target else None
    parts = ArrayObject([_stream(writer, b"q\n")])
    if original is not None:
        resolved = original.get_object()
        if isinstance(resolved, ArrayObject):
            parts.extend(resolved)
        else:
            parts.append(original)
    parts.append(_stream(writer, f"\nQ q {numbers} cm /{name} Do Q\n".encode("ascii")))
    target[NameObject("/Contents")] = parts


def place_appendices(
    pdf: bytes, placements: list[tuple[int, AppendixSource, int]], metadata: dict[str, str]
) -> bytes:
    """Draw appendix pages onto their placeholders.

    ``placements`` lists ``(0-based placeholder page, source, source page index)``.
    The document (outline, tags, metadata, destinations) is otherwise kept as written.
    """
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for n, (target_index, source, page_index) in enumerate(placements):
        draw_onto(writer, target_index, source.reader.pages[page_index], f"PackAppendix{n}")
    if metadata:
        writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
