"""Give every request an id, recorded on the audit events it causes."""

from __future__ import annotations

import re
import uuid

from governance.audit.context import request_id_var, request_memo_var

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Use a well-formed incoming ``X-Request-ID`` or make one; echo it in the response.

    A GET or HEAD request also gets a fresh ``request_memo`` (e.g. the user's
    memberships, read once instead of at every permission check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        memo = request_memo_var.set({} if request.method in ("GET", "HEAD") else None)
        try:
            response = self.get_response(request)
        finally:
            request_memo_var.reset(memo)
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response
