"""An iCalendar (RFC 5545) feed of the meetings held in public: CRLF line ends, lines
folded at 75 octets, text values escaped."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from governance.meetings.models import Meeting, MeetingStatus

DEFAULT_DURATION = datetime.timedelta(hours=2)


def escape_text(value: str) -> str:
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (continuations start with a
    space), never splitting a UTF-8 character."""
    out, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [" "], 1, 75
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(
    meetings: Iterable[tuple[Meeting, datetime.datetime]], *, host: str, base_url: str, name: str
) -> str:
    """``meetings``: (meeting, end time) pairs."""
    now = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ICS governance engine//Board meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/London",
    ]
    for meeting, end in meetings:
        url = f"{base_url}/public/meetings/{meeting.pk}/"
        place = meeting.location or meeting.online_link
        about = f"{meeting.committee.name}, held in public. Agenda and papers: {url}"
        status = "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED"
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.pk}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_utc(meeting.start)}",
            f"DTEND:{_utc(end)}",
            f"SUMMARY:{escape_text(meeting.display_title)}",
            f"LOCATION:{escape_text(place)}",
            f"URL:{url}",
            f"DESCRIPTION:{escape_text(about)}",
            f"STATUS:{status}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
