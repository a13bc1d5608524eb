"""Reports to the next meeting: what other apps did under a committee's authority
between its meetings (e.g. chair's actions), listed at the standing item "Chair's
actions taken since the last meeting".

An app registers a source from its ``AppConfig.ready``::

    register_report_source(fn)

where ``fn(committee, since: date | None, until: date) -> list[dict]`` returns, for that
committee, entries with the keys ``label``, ``url``, ``date`` (a date), ``summary`` and,
optionally, ``confidential`` (True: never published) (``since`` is the day of the
committee's previous meeting, None if it has none; both ends are included). The run page
and the members' pack list them all; the public pack and the minutes (which are
published) list the others and only count the confidential ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from governance.meetings import selectors

ReportSource = Callable[..., list[dict]]
_SOURCES: list[ReportSource] = []


def register_report_source(fn: ReportSource) -> ReportSource:
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


def unregister_report_source(fn: ReportSource) -> None:
    if fn in _SOURCES:
        _SOURCES.remove(fn)


def report_entries(committee, since: datetime.date | None, until: datetime.date) -> list[dict]:
    """Every registered source's entries for ``committee``, oldest first."""
    out = []
    for source in list(_SOURCES):
        for entry in source(committee, since, until) or []:
            out.append(
                {
                    "label": str(entry.get("label", "")),
                    "url": str(entry.get("url", "")),
                    "date": entry.get("date"),
                    "summary": str(entry.get("summary", "")),
                    "confidential": bool(entry.get("confidential", False)),
                }
            )
    out.sort(key=lambda e: (e["date"] or datetime.date.min, e["label"]))
    return out


def chairs_actions(meeting) -> list[dict]:
    """What the sources report for the meeting's committee since its previous meeting."""
    previous = selectors.previous_meeting(meeting)
    since = selectors.meeting_date(previous) if previous else None
    return report_entries(meeting.committee, since, selectors.meeting_date(meeting))
