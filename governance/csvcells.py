"""CSV cells safe to open in a spreadsheet (one rule for every CSV download)."""

from __future__ import annotations


def spreadsheet_safe(value) -> str:
    """Cells a spreadsheet would run as a formula are prefixed with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
