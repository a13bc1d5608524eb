"""The explorer's view of trail verification: the latest run and starting one.

Verification runs as a background job (``VerificationRun``, ``verification_start`` and
``selectors.latest_verification`` belong to the audit trail's signing work). This
module only reads them for the explorer and the API, so both show the same summary.

Starting a verification is a read of the trail: auditors may start one. Its job row is
bookkeeping, not a record (the permission matrix lists its table as such).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from governance import permissions


@dataclass(frozen=True)
class Summary:
    """The latest verification as the explorer and the API report it."""

    status: str
    started_at: datetime | None
    finished_at: datetime | None
    events_checked: int | None
    checkpoints_matched: int | None
    signatures_checked: int | None
    ok: bool | None
    problem: str
    broken_seq: int | None
    started_by: str


def _first(obj, *names, default=None):
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return default


def summarise(run) -> Summary | None:
    if run is None:
        return None
    code = getattr(run, "status", "")
    ok = {"passed": True, "failed": False}.get(code)
    status = _first(run, "get_status_display", default=code)
    status = status() if callable(status) else status
    who = _first(run, "started_by", "actor", "requested_by")
    return Summary(
        status=str(status),
        started_at=_first(run, "started_at", "created_at", "requested_at"),
        finished_at=_first(run, "finished_at", "completed_at"),
        events_checked=_first(run, "events_checked", "checked"),
        checkpoints_matched=_first(run, "checkpoints_matched", "checkpoints_checked"),
        ok=ok,
        signatures_checked=_first(run, "signatures_checked"),
        problem=str(_first(run, "problem", "error", default="")),
        broken_seq=_first(run, "broken_seq"),
        started_by=(who.get_full_name() or who.get_username()) if who is not None else "",
    )


def latest() -> Summary | None:
    """The latest verification run, or None (also before verification runs exist)."""
    from governance.audit import selectors

    getter = getattr(selectors, "latest_verification", None)
    return summarise(getter()) if getter is not None else None


def available() -> bool:
    from governance.audit import services

    return getattr(services, "verification_start", None) is not None


def may_start(user) -> bool:
    """Auditors, superusers and the ICB secretariat: those who read the whole trail."""
    return permissions.reads_everything(user)


def start(*, actor):
    """Start a background verification (the caller checked ``may_start``)."""
    from governance.audit import services

    return services.verification_start(actor=actor)
