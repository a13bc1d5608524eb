"""Plain text from stored rich text (sanitised HTML), for indexing."""

from __future__ import annotations

import html

from django.utils.html import strip_tags


def plain(*parts: str) -> str:
    """The visible words of the HTML ``parts``, one line each, whitespace folded."""
    out = []
    for part in parts:
        if part:
            text = html.unescape(strip_tags(str(part).replace("<", " <")))
            out.append(" ".join(text.split()))
    return "\n".join(p for p in out if p)
