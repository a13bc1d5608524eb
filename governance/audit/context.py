"""Per-request context: the request id (for audit events) and a read-only request's
memo of what it has looked up (see ``request_memo``)."""

from __future__ import annotations

import contextvars

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("audit_request_id", default="")


def current_request_id() -> str:
    return request_id_var.get()


# Set by RequestIdMiddleware for GET/HEAD requests only: a write may change memberships
# and must then see the change at once.
request_memo_var: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "request_memo", default=None
)


def request_memo() -> dict | None:
    """A dict living as long as the current read-only request, or None outside one (and
    in writes): callers memoise look-ups that cannot change during a read."""
    return request_memo_var.get()
