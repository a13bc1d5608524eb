"""Reading packs back (pypdf) for the tests."""

from __future__ import annotations

import io

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(data).pages]


def outline(data: bytes) -> list[tuple[str, int]]:
    """(title, 1-based page) of every bookmark, depth first."""
    r = reader(data)
    out = []

    def walk(nodes):
        for node in nodes:
            if isinstance(node, list):
                walk(node)
            else:
                out.append((node.title, r.get_destination_page_number(node) + 1))

    walk(r.outline)
    return out


def everything_readable(data: bytes) -> str:
    """Text, metadata and bookmarks of a PDF, as one string."""
    r = reader(data)
    meta = r.metadata or {}
    parts = [str(v) for v in meta.values()]
    parts += [title for title, _ in outline(data)]
    parts += page_texts(data)
    if r.xmp_metadata is not None:
        parts.append(str(r.xmp_metadata.rdf_root.toxml()))
    return "\n".join(parts)
