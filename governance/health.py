"""``/health/`` for load balancers and monitoring (django-health-check).

Checks: the database, the cache, file storage (uploads) and the private pack storage,
the PDF render engine (WeasyPrint with Pango), and, when ``CELERY_BROKER_URL`` is set,
the broker. 200 when all pass, 500 naming the failing check otherwise. JSON with
``Accept: application/json`` or ``?format=json``; plain text with ``?format=text``.
Open to anonymous callers: it reveals only which components are up.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class PrivateStorage(HealthCheck):
    """The private pack folder (``PACKS_PRIVATE_ROOT``) exists and can be written."""

    def run(self):
        root = Path(settings.PACKS_PRIVATE_ROOT)
        try:
            root.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=".health-", dir=root)
            os.close(fd)
            os.unlink(name)
        except OSError as exc:
            raise ServiceUnavailable("Private storage is not writable") from exc


@dataclasses.dataclass
class RenderEngine(HealthCheck):
    """WeasyPrint imports and its system libraries (Pango) load."""

    def run(self):
        from governance.render_engine import engine_error

        error = engine_error()
        if error:
            raise ServiceUnavailable(error)


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker answers (only checked when one is configured)."""

    def run(self):
        from governance.celery import app

        try:
            with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
                conn.ensure_connection(max_retries=1, timeout=3)
        except Exception as exc:
            raise ServiceUnavailable("Celery broker unreachable") from exc


def checks() -> list:
    chosen: list = [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
        PrivateStorage,
        RenderEngine,
    ]
    if settings.CELERY_BROKER_URL:
        chosen.append(Broker)
    return chosen


class HealthView(HealthCheckView):
    def get_checks(self):
        self.checks = checks()
        return super().get_checks()
