"""WeasyPrint, imported once, without taking the application down when Pango is missing.

WeasyPrint loads Pango (a system library) when it is imported; without it the import
prints a banner and raises ``OSError``, and every module importing WeasyPrint at the top
(so ``manage.py`` itself) would crash. Modules import WeasyPrint's names from here
instead. With Pango present they are WeasyPrint's own; without it they are stand-ins
that raise :class:`RenderEngineMissing`, with the fix, only when something is rendered.
``manage.py check`` reports it (``governance.W001``, governance/ops) and ``/health/``
fails its render engine check. No Django here: the isolated render processes use it too.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re

HINT = (
    "WeasyPrint cannot load Pango, so PDFs (board packs, reports) cannot be rendered. "
    "Install it: on Debian/Ubuntu `apt-get install libpango-1.0-0 libpangoft2-1.0-0`."
)


class RenderEngineMissing(RuntimeError):
    """PDF rendering was asked for on a machine without Pango."""


_import_error: OSError | None = None

try:
    # The failed import prints WeasyPrint's installation banner on stdout: keep it quiet.
    with contextlib.redirect_stdout(io.StringIO()):
        from weasyprint import CSS, HTML
        from weasyprint.logger import LOGGER, PROGRESS_LOGGER
        from weasyprint.urls import UNICODE_SCHEME_RE, URLFetcher, URLFetcherResponse
except OSError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    _import_error = exc

    class _Missing:
        """Stands in for a WeasyPrint class: using it raises the clear error."""

        def __init__(self, *args, **kwargs):
            raise RenderEngineMissing(f"{HINT} ({_import_error})")

    class HTML(_Missing):
        pass

    class CSS(_Missing):
        pass

    class URLFetcher(_Missing):
        pass

    class URLFetcherResponse(_Missing):
        pass

    UNICODE_SCHEME_RE = re.compile("^([a-zA-Z][a-zA-Z0-9.+-]+):")
    LOGGER = logging.getLogger("weasyprint")
    PROGRESS_LOGGER = logging.getLogger("weasyprint.progress")


def engine_error() -> str:
    """Empty when PDFs can be rendered, otherwise what is wrong and how to fix it."""
    return f"{HINT} ({_import_error})" if _import_error is not None else ""


__all__ = [
    "CSS",
    "HTML",
    "LOGGER",
    "PROGRESS_LOGGER",
    "UNICODE_SCHEME_RE",
    "RenderEngineMissing",
    "URLFetcher",
    "URLFetcherResponse",
    "engine_error",
]
