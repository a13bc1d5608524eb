"""Checking uploaded PDFs (proposal attachments, paper appendices) by their content:
a PDF within the size limit, readable, unencrypted, and without document-level scripts,
launch actions or embedded files. The one upload check for every app.
"""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

READ_ERRORS = (
    PdfReadError,
    ValueError,
    KeyError,
    TypeError,
    OSError,
    AttributeError,
    IndexError,
    RecursionError,
)


def _active_content(reader: PdfReader) -> list[str]:
    root = reader.trailer["/Root"]
    found = [key for key in ("/OpenAction", "/AA") if key in root]
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        found += [key for key in ("/JavaScript", "/EmbeddedFiles") if key in names]
    for page in reader.pages:
        if "/AA" in page:
            found.append("/AA")
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and action.get_object().get("/S") in ("/Launch", "/JavaScript"):
                found.append(str(action.get_object().get("/S")))
    return sorted(set(found))


def inspect_pdf(data: bytes, *, field: str = "file") -> int:
    """Return the page count of an acceptable PDF; raise ValidationError otherwise."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if not data:
        raise ValidationError({field: "The file is empty."})
    if len(data) > limit:
        raise ValidationError(
            {
                field: f"The file is {len(data) / 1048576:.1f} MiB; "
                f"the limit is {limit / 1048576:.0f} MiB."
            }
        )
    if data.lstrip()[:5] != b"%PDF-":
        raise ValidationError({field: "Only PDF files can be attached (this is not a PDF)."})
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError({field: "Password-protected PDFs cannot be attached."})
        pages = len(reader.pages)
        active = _active_content(reader)
    except ValidationError:
        raise
    except READ_ERRORS as exc:  # pypdf raises many kinds of error on damaged files
        raise ValidationError({field: "The PDF is damaged and cannot be read."}) from exc
    if pages == 0:
        raise ValidationError({field: "The PDF has no pages."})
    if active:
        raise ValidationError(
            {
                field: "The PDF contains scripts, actions or embedded files "
                f"({', '.join(active)}); "
                "print it to a plain PDF and upload that."
            }
        )
    return pages


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
