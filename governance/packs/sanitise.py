"""Sanitising rich text written in the app (cover sheets, papers) before it is stored or
rendered.

An allow-list, not a deny-list: only the tags and attributes below survive. Nothing
that could make a renderer fetch something does: no ``<link>``, ``<style>``, ``style``
attributes, ``<iframe>``/``<object>``/``<embed>``/``<svg>``, no event handlers, no
``rel``. Links keep an ``href`` only if it is ``https:`` or ``mailto:`` (the pack prints
the address after the link text, so a printed pack loses nothing). Images are allowed
only as inline ``data:image/png|jpeg|gif;base64`` URLs, so no image is ever fetched.
"""

from __future__ import annotations

import re

import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        # h1 is the pack's item title; a paper's own headings start at h2
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "s",
        "sub",
        "sup",
        "small",
        "mark",
        "abbr",
        "blockquote",
        "code",
        "pre",
        "hr",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "a",
        "img",
    }
)

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}

# Removed together with everything inside them.
DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "title",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "textarea",
        "select",
        "video",
        "audio",
        "canvas",
    }
)

# Inline images only, of three raster types, and not unreasonably large (5 MiB of base64).
MAX_DATA_URL_CHARS = 5 * 1024 * 1024
DATA_IMAGE_RE = re.compile(r"^data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=\s]+$", re.IGNORECASE)
LINK_RE = re.compile(r"^(https://[^\s]+|mailto:[^\s]+)$", re.IGNORECASE)
NUMBER_RE = re.compile(r"^\d{1,4}$")
SPAN_RE = re.compile(r"^\d{1,3}$")
SCOPES = frozenset({"row", "col", "rowgroup", "colgroup"})


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    """Keep an attribute value only if it is safe for this element."""
    value = value.strip()
    if element == "a" and attribute == "href":
        return value if LINK_RE.match(value) else None
    if element == "img" and attribute == "src":
        if len(value) > MAX_DATA_URL_CHARS or not DATA_IMAGE_RE.match(value):
            return None
        return value
    if element == "img" and attribute in {"width", "height"}:
        return value if NUMBER_RE.match(value) else None
    if attribute in {"colspan", "rowspan"}:
        return value if SPAN_RE.match(value) else None
    if attribute == "scope":
        return value.lower() if value.lower() in SCOPES else None
    if attribute == "start":
        return value if NUMBER_RE.match(value) else None
    return value


def clean_html(text: str | None) -> str:
    """Return ``text`` with everything outside the allow-list removed.

    Idempotent: cleaning clean HTML returns it unchanged, so it is safe to clean on
    save and again when rendering.
    """
    if not text:
        return ""
    return nh3.clean(
        str(text),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        strip_comments=True,
        link_rel=None,
        url_schemes={"https", "mailto", "data"},
        url_relative="deny",
    )
