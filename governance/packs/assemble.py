"""Putting uploaded PDFs into the pack while WeasyPrint writes it (no second pass).

The technique ("page numbers that agree"): count each appendix's pages first; the
layout lays out one placeholder page per appendix page (A4, portrait or landscape to
match), so WeasyPrint numbers every page, prints "Page N of M" in the footer band of
each placeholder, resolves the agenda's ``target-counter()`` references and writes the
bookmarks. Then each appendix page is turned into a Form XObject and drawn onto its
placeholder, scaled to fit above the footer band. The placeholder page objects stay
where they are, so page numbers, footers, bookmarks and named destinations are all
still right, and nothing has to be re-numbered.

The drawing happens in WeasyPrint's ``finisher`` hook (:func:`finisher`): the appendix
page's objects are copied straight into WeasyPrint's in-memory ``pydyf.PDF`` before it
is serialised, so the rendered pack is written once and never parsed again. (The
previous version re-read the whole tagged PDF with pypdf, 4.2 s of a 300-page pack.)
Appendices are read with pikepdf (qpdf): only the small uploaded files are parsed.

Only the page's drawing is taken from the upload: not its annotations (links, form
fields, file attachments), scripts, actions or document-level metadata.
"""

from __future__ import annotations

import decimal
import io
from dataclasses import dataclass, field

import pikepdf
import pydyf

MM = 72 / 25.4
FOOTER_BAND = 14 * MM  # must match the bottom margin of @page apx-p / apx-l in pack.css
INSET = 4 * MM  # white space around the drawn page inside the placeholder

Matrix = tuple[float, float, float, float, float, float]


class AppendixError(ValueError):
    """An appended PDF cannot be used (damaged, encrypted, empty)."""


@dataclass
class AppendixSource:
    """An opened appendix: its pages as Form XObjects and, per page, whether it is
    landscape (as displayed, /Rotate honoured)."""

    label: str
    pdf: pikepdf.Pdf
    forms: list[pikepdf.Object]
    landscape: list[bool] = field(default_factory=list)


def _corners(form) -> tuple[float, float, float, float]:
    """The form's bounding box after its /Matrix (which carries the page's /Rotate)."""
    x0, y0, x1, y1 = (float(v) for v in form.BBox)
    a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    xs, ys = [], []
    for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def open_appendix(data: bytes, label: str) -> AppendixSource:
    """Read an uploaded PDF and make each page a Form XObject (rotation applied)."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
        forms, shapes = [], []
        for page in pdf.pages:
            form = page.as_form_xobject(handle_transformations=True)
            x0, y0, x1, y1 = _corners(form)
            if x1 - x0 <= 0 or y1 - y0 <= 0:
                raise AppendixError(f"{label} has a page with an empty crop box.")
            forms.append(form)
            shapes.append(x1 - x0 > y1 - y0)
    except AppendixError:
        raise
    except pikepdf.PasswordError as exc:
        raise AppendixError(f"{label} is password-protected.") from exc
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise AppendixError(f"{label} is not a readable PDF ({exc}).") from exc
    if not shapes:
        raise AppendixError(f"{label} has no pages.")
    return AppendixSource(label, pdf, forms, shapes)


def fit_matrix(form, target_width: float, target_height: float) -> Matrix:
    """Map the form (an appendix page) into the placeholder: scaled to fit above the
    footer band, centred."""
    x0, y0, x1, y1 = _corners(form)
    shown_w, shown_h = x1 - x0, y1 - y0
    area_w = target_width - 2 * INSET
    area_h = target_height - FOOTER_BAND - 2 * INSET
    scale = min(area_w / shown_w, area_h / shown_h)
    tx = (target_width - shown_w * scale) / 2
    ty = FOOTER_BAND + INSET + (area_h - shown_h * scale) / 2
    return (scale, 0, 0, scale, tx - x0 * scale, ty - y0 * scale)


class _Copier:
    """Copies pikepdf objects (one appendix's) into a pydyf PDF, each indirect object
    once. Values become pydyf objects or the PDF syntax as bytes."""

    def __init__(self, target: pydyf.PDF) -> None:
        self.target = target
        self.done: dict[tuple[int, tuple[int, int]], bytes] = {}

    def copy(self, obj, source_id: int):
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            key = (source_id, obj.objgen)
            if key not in self.done:
                self.done[key] = self._indirect(obj, source_id)
            return self.done[key]
        return self._direct(obj, source_id)

    def _indirect(self, obj, source_id: int) -> bytes:
        if isinstance(obj, pikepdf.Stream):
            raw = obj.read_raw_bytes()
            compress = "/Filter" not in obj.stream_dict
            stream = pydyf.Stream([raw], compress=compress)
            self.target.add_object(stream)
            self.done[(source_id, obj.objgen)] = stream.reference  # before children: cycles
            stream.extra = self._dictionary(obj.stream_dict, source_id, skip=("/Length",))
            return stream.reference
        if isinstance(obj, pikepdf.Dictionary):
            holder = pydyf.Dictionary()
        elif isinstance(obj, pikepdf.Array):
            holder = pydyf.Array()
        else:  # an indirect number, name or string: its value inline
            return self._direct(obj, source_id)
        self.target.add_object(holder)
        self.done[(source_id, obj.objgen)] = holder.reference  # before children: cycles
        if isinstance(holder, pydyf.Dictionary):
            holder.update(self._dictionary(obj, source_id))
        else:
            holder.extend(self.copy(v, source_id) for v in obj)
        return holder.reference

    def _dictionary(self, obj, source_id: int, skip: tuple[str, ...] = ()) -> pydyf.Dictionary:
        out = pydyf.Dictionary()
        for key, value in obj.items():
            if key in skip:
                continue
            out[pikepdf.Name(key).unparse()[1:]] = self.copy(value, source_id)
        return out

    def _direct(self, obj, source_id: int):
        if isinstance(obj, bool):
            return b"true" if obj else b"false"
        if obj is None:
            return b"null"
        if isinstance(obj, int):
            return str(obj).encode()
        if isinstance(obj, (float, decimal.Decimal)):
            return f"{float(obj):.6f}".rstrip("0").rstrip(".").encode() or b"0"
        if isinstance(obj, pikepdf.Dictionary):
            return self._dictionary(obj, source_id)
        if isinstance(obj, pikepdf.Array):
            return pydyf.Array(self.copy(v, source_id) for v in obj)
        if isinstance(obj, (pikepdf.Name, pikepdf.String)):
            return obj.unparse()
        if isinstance(obj, pikepdf.Stream):  # a direct stream is not valid PDF
            raise AppendixError("a stream that is not an indirect object")
        return obj.unparse()  # operators and anything else


def _reference_number(reference) -> int:
    return int(bytes(reference).split()[0])


def finisher(placements: list[tuple[int, AppendixSource, int]]):
    """A WeasyPrint ``finisher`` that draws appendix pages onto their placeholders.

    ``placements`` lists ``(0-based placeholder page, source, source page index)``.
    The document (outline, tags, metadata, destinations) is otherwise kept as written.
    """

    def finish(_document, pdf: pydyf.PDF) -> None:
        copier = _Copier(pdf)
        pages = pdf.pages["Kids"][::3]
        shared_xobjects: dict[int, pydyf.Dictionary] = {}
        for n, (target_index, source, page_index) in enumerate(placements):
            page = pdf.objects[pages[target_index]]
            form = copier.copy(source.forms[page_index], id(source.pdf))
            name = f"PackAppendix{n}"
            resources = page["Resources"]
            if not isinstance(resources, pydyf.Dictionary):
                resources = pdf.objects[_reference_number(resources)]
            # WeasyPrint's pages share one resources dictionary: its XObject entry is a
            # direct dictionary; a new name there is harmless to the other pages.
            xobjects = shared_xobjects.get(id(resources))
            if xobjects is None:
                xobjects = resources.setdefault("XObject", pydyf.Dictionary())
                shared_xobjects[id(resources)] = xobjects
            xobjects[name] = form
            left, bottom, right, top = (float(v) for v in page["MediaBox"])
            numbers = " ".join(
                f"{v:.6f}".rstrip("0").rstrip(".") or "0"
                for v in fit_matrix(source.forms[page_index], right - left, top - bottom)
            )
            before = pydyf.Stream([b"q"])
            after = pydyf.Stream([f"Q q {numbers} cm /{name} Do Q".encode("ascii")])
            pdf.add_object(before)
            pdf.add_object(after)
            original = page["Contents"]
            page["Contents"] = pydyf.Array([before.reference, original, after.reference])

    return finish
