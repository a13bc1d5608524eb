"""Bounds on free input, shared by services (web forms) and the API's fields.

- Titles and names are one line of plain text: no control characters (C0, DEL, C1)
  and no bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069), which
  can make a title display as something other than what it says ("Trojan Source").
- Multi-line text allows line breaks and tabs, nothing else from those sets.
- Each kind of text has a length: a title 200 characters, a reason or comment 5,000,
  a long narrative (summary, rationale, cause, …) 20,000.
- Dates lie between 1 January 1900 and 31 December 2200.
- Ids fit a signed 64-bit integer (SQLite's and PostgreSQL's bigint).
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError

TITLE_MAX = 200
NAME_MAX = 200
SHORT_TEXT_MAX = 5_000
LONG_TEXT_MAX = 20_000

DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2200, 12, 31)

ID_MAX = 2**63 - 1

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)))
_SINGLE_LINE_BAD = re.compile(f"[{re.escape(_CONTROLS + BIDI)}]")
_MULTI_LINE_BAD = re.compile(
    f"[{re.escape(''.join(ch for ch in _CONTROLS if ch not in chr(9) + chr(10) + chr(13)) + BIDI)}]"
)


def _describe(ch: str) -> str:
    if ch in BIDI:
        return f"a text-direction control character (U+{ord(ch):04X})"
    return f"a control character (U+{ord(ch):04X})"


def bad_character(value: str, *, multiline: bool) -> str | None:
    """A description of the first character refused in ``value``, or None."""
    match = (_MULTI_LINE_BAD if multiline else _SINGLE_LINE_BAD).search(value or "")
    return _describe(match.group()) if match else None


def plain_text_message(value: str, *, multiline: bool, max_length: int | None) -> str | None:
    """Why ``value`` is refused as text of this kind, or None when it is fine."""
    if max_length is not None and len(value or "") > max_length:
        return f"Keep this to {max_length:,} characters (it has {len(value):,})."
    bad = bad_character(value, multiline=multiline)
    if bad:
        return f"Remove {bad}: it cannot be shown safely."
    return None


def check_text(value: str, field: str, *, multiline: bool = False, max_length=None) -> str:
    """``value`` unchanged, or ValidationError({field: …}). For services to call."""
    message = plain_text_message(value, multiline=multiline, max_length=max_length)
    if message:
        raise ValidationError({field: message})
    return value


def check_title(value: str, field: str = "title", max_length: int = TITLE_MAX) -> str:
    return check_text(value, field, multiline=False, max_length=max_length)


def date_message(value: datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not DATE_MIN <= value <= DATE_MAX:
        return f"Give a date between {DATE_MIN:%Y} and {DATE_MAX:%Y}."
    return None


def check_date(value, field: str):
    message = date_message(value)
    if message:
        raise ValidationError({field: message})
    return value


def id_in_range(value) -> bool:
    """Whether ``value`` (an int or a string of digits) can be an id at all."""
    if isinstance(value, int):
        return 0 <= value <= ID_MAX
    text = str(value)
    if not text.isdigit():
        return True  # not a number: for the view to judge
    return text.isascii() and len(text) <= 19 and int(text) <= ID_MAX
