"""Logging: one line per event, each carrying the request id; JSON lines when asked.

``settings.LOGGING`` is built by :func:`logging_config`. Every record goes to a single
handler on the root logger. Django's own default configuration also gives the
``django`` logger a console handler (shown with ``DEBUG`` on) and lets it propagate to
the root, so each ``django.request`` warning was printed twice; here that logger keeps no
handler of its own and only propagates.

``LOG_JSON=1`` switches the format to one JSON object a line (``ts``, ``level``,
``logger``, ``message``, ``request_id``, plus ``status_code``/``path``/``method`` for
request logs and ``exc`` for tracebacks), for log shippers.
"""

from __future__ import annotations

import datetime
import json
import logging

from governance.audit.context import current_request_id


class RequestIdFilter(logging.Filter):
    """Give every record a ``request_id``: the current request's (the middleware sets a
    context variable), else the id on a request passed in ``extra`` (Django logs 4xx
    responses after the middleware has returned), else ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        if not request_id:
            request = getattr(record, "request", None)
            request_id = getattr(request, "request_id", "") if request is not None else ""
        record.request_id = request_id or "-"
        return True


class JsonLinesFormatter(logging.Formatter):
    """One JSON object a line; times in UTC ISO-8601."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status_code"] = status_code
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = getattr(request, "path", "")
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, level: str = "WARNING", json_lines: bool = False) -> dict:
    """The ``LOGGING`` dict: one handler on the root; Django's loggers only propagate."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "governance.logging_utils.RequestIdFilter"}},
        "formatters": {
            "text": {"format": TEXT_FORMAT},
            "json": {"()": "governance.logging_utils.JsonLinesFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "json" if json_lines else "text",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Replaces Django's default handlers on these loggers (console with DEBUG on,
            # mail_admins): they propagate to the root's single handler instead.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        },
    }
