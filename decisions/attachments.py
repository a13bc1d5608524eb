"""Validating uploaded attachments: PDF only, by content, within a size limit."""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.errors import PdfReadError


def inspect_pdf(data: bytes, *, field: str = "file") -> int:
    """Return the page count of a valid, unencrypted PDF; raise ValidationError otherwise."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if len(data) == 0:
        raise ValidationError({field: "The file is empty."})
    if len(data) > limit:
        raise ValidationError(
            {
                field: f"The file is {len(data) / 1048576:.1f} MiB; the limit is "
                f"{limit / 1048576:.0f} MiB."
            }
        )
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValidationError({field: "Only PDF files can be attached (this is not a PDF)."})
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError({field: "Password-protected PDFs cannot be attached."})
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ValidationError({field: f"The PDF is damaged and cannot be read ({exc})."}) from exc
    if pages == 0:
        raise ValidationError({field: "The PDF has no pages."})
    return pages


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
