"""Tiny helpers for writing SVG safely (every text and attribute value is escaped)."""

from __future__ import annotations

from html import escape


def attrs(**values) -> str:
    """``key="value"`` pairs, escaped; ``aria_label`` becomes ``aria-label``; None skipped."""
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(f'{name}="{escape(str(value), quote=True)}"')
    return " ".join(parts)


def tag(name: str, content: str = "", **values) -> str:
    return f"<{name} {attrs(**values)}>{content}</{name}>"


def text(content, **values) -> str:
    return tag("text", escape(str(content)), **values)


def title(content: str, **values) -> str:
    return tag("title", escape(content), **values)
