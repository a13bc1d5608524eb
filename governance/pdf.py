"""HTML to PDF with WeasyPrint, safely: nothing fetched, a time limit, a memory limit.

Used for self-contained reports (the BAF report, the pool manager's report). Board packs,
which merge uploaded appendices and may use the project's own static files, have their
own engine in ``governance.packs``.

No Django here, so the module also runs as the isolated render process::

    python -m governance.pdf [--memory-mb N] < report.html > result.json

``render_isolated`` starts that process, gives it the HTML on stdin and reads
``{"pdf": base64, "refused": [...]}`` from stdout; it kills the process if it overruns
its time limit (WeasyPrint cannot be interrupted in-process), and the process caps its
own address space. ``DenyAllURLFetcher`` refuses every URL: the report is
self-contained (inline styles, inline SVG), so it never reads a file or opens a
connection, whatever the risks' text says.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from governance.render_engine import HTML, URLFetcher  # WeasyPrint; or a clear error

BASE_URL = "https://report.invalid/"
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class URLRefused(ValueError):
    """The document asked for a URL; reports fetch nothing."""


class ReportTimeout(RuntimeError):
    """Rendering took longer than its time limit and was stopped."""


class ReportRenderError(RuntimeError):
    """The render process failed (crashed or ran out of memory)."""


class DenyAllURLFetcher(URLFetcher):
    """A WeasyPrint fetcher that refuses every URL (file, http(s), ftp, data…). No
    urllib handlers are installed, so even a path into the underlying OpenerDirector
    reaches nothing. Refusals are kept in ``refused`` for tests and logs."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)
        self.handlers.clear()
        self.handle_open.clear()
        self.handle_error.clear()
        self.process_request.clear()
        self.process_response.clear()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.refused.append(str(url)[:200])
        raise URLRefused(f"Refused to fetch {str(url)[:80]!r}: the report loads nothing.")

    def open(self, url, data=None, timeout=None):
        raise URLRefused("The report fetcher opens no URLs.")


@dataclass
class Rendered:
    pdf: bytes
    seconds: float
    refused: list[str] = field(default_factory=list)


def render_html(html: str, *, pdf_ua: bool = True) -> Rendered:
    """Render in this process (no time limit): for the isolated process and for tests."""
    started = time.perf_counter()
    fetcher = DenyAllURLFetcher()
    options = {"pdf_variant": "pdf/ua-1"} if pdf_ua else {}
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher, encoding="utf-8").write_pdf(
        **options
    )
    return Rendered(pdf, time.perf_counter() - started, fetcher.refused)


def render_isolated(html: str, *, time_limit: float = 120, memory_mb: int = 2048) -> Rendered:
    """Render in a separate process, killed after ``time_limit`` seconds."""
    started = time.perf_counter()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "governance.pdf", "--memory-mb", str(int(memory_mb))],
            input=html.encode("utf-8"),
            capture_output=True,
            timeout=time_limit,
            cwd=str(PROJECT_ROOT),
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ReportTimeout(
            f"The report took longer than {time_limit:.0f} seconds to render and was stopped."
        ) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no detail"]
        raise ReportRenderError(f"The report could not be rendered ({detail[0][:200]}).")
    result = json.loads(done.stdout)
    return Rendered(
        base64.b64decode(result["pdf"]), time.perf_counter() - started, result["refused"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render HTML (stdin) to PDF, fetching nothing.")
    parser.add_argument("--memory-mb", type=int, default=2048, help="0 for no limit")
    parser.add_argument("--no-ua", action="store_true", help="plain PDF, not PDF/UA-1")
    args = parser.parse_args(argv)
    if args.memory_mb:
        limit = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    html = sys.stdin.buffer.read().decode("utf-8")
    rendered = render_html(html, pdf_ua=not args.no_ua)
    json.dump(
        {"pdf": base64.b64encode(rendered.pdf).decode("ascii"), "refused": rendered.refused},
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
