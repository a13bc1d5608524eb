"""Per-request context for audit events (the request id)."""

from __future__ import annotations

import contextvars

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("audit_request_id", default="")


def current_request_id() -> str:
    return request_id_var.get()
