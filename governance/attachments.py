"""Checking uploaded PDFs (proposal attachments, paper appendices) by their content.
The one upload check for every app.

A file is accepted only when it is, by its bytes, a plain PDF:

- within the size limit (``ATTACHMENT_MAX_BYTES``), starting with ``%PDF-`` at byte 0
  and with nothing but whitespace after its last ``%%EOF`` (so it is not also an HTML
  page, a ZIP archive or an executable: a polyglot);
- readable by both PDF libraries we use (pypdf builds the packs, pikepdf checks
  here), unencrypted, with at least one page;
- without active content *anywhere*: every object in the file is walked (also objects
  no page refers to, and whole action chains through ``/Next``), and any JavaScript,
  additional actions (``/AA``), launch, submit-form, import-data, remote go-to,
  rich media, XFA form or embedded file refuses it;
- without a decompression bomb: every stream is decoded incrementally and the file is
  refused as soon as one stream passes ``ATTACHMENT_MAX_STREAM_BYTES`` or all of them
  together pass ``ATTACHMENT_MAX_INFLATED_BYTES`` (kept below pypdf's own 75 MB per
  stream limit, so an accepted file never breaks a members' pack).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import zlib
from collections.abc import Iterable, Iterator

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

READ_ERRORS = (
    PyPdfError,
    pikepdf.PdfError,
    ValueError,
    KeyError,
    TypeError,
    OSError,
    AttributeError,
    IndexError,
    RecursionError,
)

# Dictionary keys that carry active content wherever they appear.
ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/AA",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/XFA",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/RichMediaContent",
        "/GoToR",
        "/GoToE",
    }
)
# Values of /S (action type), /Type and /Subtype that are active content.
ACTIVE_KINDS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/RichMedia",
        "/RichMediaExecute",
        "/EmbeddedFile",
        "/FileAttachment",
    }
)
KIND_KEYS = ("/S", "/Type", "/Subtype")
# Objects nested deeper than this inside one object are refused outright.
MAX_NESTING = 100
# Decoders read and produce data in chunks of this size.
CHUNK = 1 << 20
TRAILING_BYTES_ALLOWED = 1024
_EOF = re.compile(rb"%%EOF")


class TooLarge(Exception):
    """A stream decodes past the limit."""


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


# --- active content -----------------------------------------------------------------------


def _scan(obj, found: set[str]) -> None:
    """Add the active-content markers of ``obj`` and its direct children to ``found``.

    Indirect children are skipped: every indirect object is scanned on its own."""
    stack = [(obj, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            found.add("objects nested too deeply")
            return
        if isinstance(value, pikepdf.Stream):
            items = value.stream_dict.items()
        elif isinstance(value, pikepdf.Dictionary):
            items = value.items()
        elif isinstance(value, pikepdf.Array):
            items = (("", v) for v in value)
        else:
            continue
        for key, child in items:
            if key in ACTIVE_KEYS:
                found.add(key)
            if key in KIND_KEYS and isinstance(child, pikepdf.Name) and str(child) in ACTIVE_KINDS:
                found.add(str(child))
            if (key == "/EF") and isinstance(child, pikepdf.Dictionary):
                found.add("/EmbeddedFile")
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
                stack.append((child, depth + 1))


def active_content(pdf: pikepdf.Pdf) -> list[str]:
    """Every kind of active content found in any object of ``pdf``, sorted."""
    found: set[str] = set()
    _scan(pdf.trailer, found)
    for obj in pdf.objects:
        _scan(obj, found)
    return sorted(found)


# --- decompression bombs ------------------------------------------------------------------


def _flate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    d = zlib.decompressobj()
    try:
        for chunk in chunks:
            buf = chunk
            while buf:
                out = d.decompress(buf, CHUNK)
                if out:
                    yield out
                buf = d.unconsumed_tail
            if d.eof:
                return
        while not d.eof:
            out = d.decompress(b"", CHUNK)
            if not out:
                return
            yield out
    except zlib.error:
        return  # a damaged stream decodes no further (readers stop there too)


def _run_length(chunks: Iterable[bytes]) -> Iterator[bytes]:
    data = b"".join(chunks)
    i, out = 0, bytearray()
    while i < len(data):
        n = data[i]
        if n == 128:
            break
        if n < 128:
            out += data[i + 1 : i + 2 + n]
            i += n + 2
        else:
            out += data[i + 1 : i + 2] * (257 - n)
            i += 2
        if len(out) >= CHUNK:
            yield bytes(out)
            out.clear()
    if out:
        yield bytes(out)


def _lzw(chunks: Iterable[bytes]) -> Iterator[bytes]:
    data = b"".join(chunks)
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    bits, buffer, nbits, prev = 9, 0, 0, None
    out = bytearray()
    for byte in data:
        buffer = (buffer << 8) | byte
        nbits += 8
        while nbits >= bits:
            nbits -= bits
            code = (buffer >> nbits) & ((1 << bits) - 1)
            if code == 256:
                table, bits, prev = table[:258], 9, None
                continue
            if code == 257:
                if out:
                    yield bytes(out)
                return
            if code < len(table):
                entry = table[code]
                if prev is not None and len(table) < 4096:
                    table.append(prev + entry[:1])
            elif prev is not None and code == len(table) < 4096:
                entry = prev + prev[:1]
                table.append(entry)
            else:
                if out:
                    yield bytes(out)
                return
            out += entry
            prev = entry
            if len(table) + 1 >= (1 << bits) and bits < 12:
                bits += 1
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
    if out:
        yield bytes(out)


def _ascii_hex(chunks: Iterable[bytes]) -> Iterator[bytes]:
    text = re.sub(rb"\s", b"", b"".join(chunks)).split(b">", 1)[0]
    if len(text) % 2:
        text += b"0"
    try:
        yield binascii.unhexlify(text)
    except binascii.Error:
        return


def _ascii85(chunks: Iterable[bytes]) -> Iterator[bytes]:
    text = re.sub(rb"\s", b"", b"".join(chunks))
    text = text.removeprefix(b"<~").split(b"~>", 1)[0]
    try:
        yield base64.a85decode(text)
    except ValueError:
        return


DECODERS = {
    "/FlateDecode": _flate,
    "/Fl": _flate,
    "/LZWDecode": _lzw,
    "/LZW": _lzw,
    "/RunLengthDecode": _run_length,
    "/RL": _run_length,
    "/ASCIIHexDecode": _ascii_hex,
    "/AHx": _ascii_hex,
    "/ASCII85Decode": _ascii85,
    "/A85": _ascii85,
}


def _bounded(chunks: Iterable[bytes], limit: int) -> Iterator[bytes]:
    """Pass chunks through, raising TooLarge once more than ``limit`` bytes went by."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise TooLarge
        yield chunk


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.stream_dict.get("/Filter")
    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return [str(v) for v in value]
    return [str(value)]


def decoded_size(stream: pikepdf.Stream, limit: int) -> int:
    """Bytes ``stream`` decodes to through its general-purpose filters (image codecs such
    as DCT or JBIG2 are left encoded). Raises TooLarge past ``limit``, at any stage."""
    chunks: Iterable[bytes] = _bounded([bytes(stream.read_raw_bytes())], limit)
    for name in _filters(stream):
        decoder = DECODERS.get(name)
        if decoder is None:
            break
        chunks = _bounded(decoder(chunks), limit)
    return sum(len(chunk) for chunk in chunks)


def check_inflation(pdf: pikepdf.Pdf, *, stream_limit: int, total_limit: int) -> str | None:
    """A description of the first limit a stream of ``pdf`` passes, or None."""
    total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        try:
            size = decoded_size(obj, min(stream_limit, total_limit - total))
        except TooLarge:
            if stream_limit <= total_limit - total:
                return f"one of its streams expands past {stream_limit / 1048576:.0f} MiB"
            return f"its streams together expand past {total_limit / 1048576:.0f} MiB"
        total += size
    return None


# --- the check ----------------------------------------------------------------------------


def _check_envelope(data: bytes, field: str) -> None:
    limit = settings.ATTACHMENT_MAX_BYTES
    if not data:
        raise _fail(field, "The file is empty.")
    if len(data) > limit:
        raise _fail(
            field,
            f"The file is {len(data) / 1048576:.1f} MiB; the limit is {limit / 1048576:.0f} MiB.",
        )
    if not data.startswith(b"%PDF-"):
        raise _fail(field, "Only PDF files can be attached (this is not a PDF).")
    last = None
    for last in _EOF.finditer(data):  # noqa: B007 - we want the last match
        pass
    if last is not None and len(data[last.end() :].strip()) > TRAILING_BYTES_ALLOWED:
        raise _fail(
            field,
            "The file has other content after the end of the PDF (it may also be another "
            "kind of file); print it to a plain PDF and upload that.",
        )


def inspect_pdf(data: bytes, *, field: str = "file") -> int:
    """Return the page count of an acceptable PDF; raise ValidationError otherwise."""
    _check_envelope(data, field)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise _fail(field, "Password-protected PDFs cannot be attached.")
            active = active_content(pdf)
            bomb = (
                None
                if active
                else check_inflation(
                    pdf,
                    stream_limit=settings.ATTACHMENT_MAX_STREAM_BYTES,
                    total_limit=settings.ATTACHMENT_MAX_INFLATED_BYTES,
                )
            )
        reader = PdfReader(io.BytesIO(data), strict=False)  # as the packs will read it
        if reader.is_encrypted:
            raise _fail(field, "Password-protected PDFs cannot be attached.")
        pages = len(reader.pages)
    except ValidationError:
        raise
    except pikepdf.PasswordError as exc:
        raise _fail(field, "Password-protected PDFs cannot be attached.") from exc
    except READ_ERRORS as exc:  # both libraries raise many kinds of error on damaged files
        raise _fail(field, "The PDF is damaged and cannot be read.") from exc
    if pages == 0:
        raise _fail(field, "The PDF has no pages.")
    if active:
        raise _fail(
            field,
            "The PDF contains scripts, actions, forms or embedded files "
            f"({', '.join(active)}); print it to a plain PDF and upload that.",
        )
    if bomb:
        raise _fail(
            field,
            f"The PDF is too large once decompressed ({bomb}); "
            "print it to a plain PDF and upload that.",
        )
    return pages


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
