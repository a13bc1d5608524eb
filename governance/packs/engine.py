"""Rendering a board pack: the function the meetings app calls.

``render_pack(spec)`` returns a :class:`~governance.packs.spec.RenderedPack`. The work
runs in a separate Python process (``governance.packs.worker``) so that it can be
given a hard time limit and a memory limit, and so WeasyPrint's memory goes back to
the system when it is done: the process is killed if it overruns, whatever it is doing.

Settings (optional): ``PACKS_RENDER_TIME_LIMIT`` seconds (default 300),
``PACKS_RENDER_MEMORY_MB`` address-space limit for the render process (default 4096;
0 for none).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from governance.packs.fetcher import Root
from governance.packs.spec import (
    PackError,
    PackRenderError,
    PackRenderTimeout,
    PackSpec,
    RenderedPack,
)

DEFAULT_TIME_LIMIT = 300
DEFAULT_MEMORY_MB = 4096
PROJECT_ROOT = Path(__file__).resolve().parents[2]

Progress = Callable[[int, str], None]


def _setting(name: str, default):
    try:
        from django.conf import settings

        return getattr(settings, name, default)
    except Exception:  # Django not configured: plain defaults
        return default


def _default_roots() -> list[Root]:
    try:
        from governance.packs.fetcher import default_roots

        return default_roots()
    except Exception:  # Django not configured: no static or media files at all
        return []


def _kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _pump(process: subprocess.Popen, deadline: float, progress: Progress | None) -> None:
    """Relay the worker's progress lines until it closes stdout or the deadline passes."""
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PackRenderTimeout
            if not selector.select(timeout=min(remaining, 1.0)):
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                return
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if progress is not None and isinstance(message, dict) and "progress" in message:
                    progress(int(message["progress"]), str(message.get("message", "")))


def render_pack(
    spec: PackSpec,
    *,
    progress: Progress | None = None,
    time_limit: float | None = None,
    memory_mb: int | None = None,
    roots: list[Root] | None = None,
    pdf_ua: bool = True,
) -> RenderedPack:
    """Render ``spec`` to one numbered PDF in an isolated process with a time limit.

    ``progress(percent, message)`` is called as the render advances (in this thread).
    Raises :class:`PackError` if the spec cannot be rendered (message for the user),
    :class:`PackRenderTimeout` if it overran ``time_limit`` seconds, or
    :class:`PackRenderError` if the renderer failed.
    """
    if not isinstance(spec, PackSpec):
        raise TypeError("render_pack expects a PackSpec")
    limit = float(time_limit or _setting("PACKS_RENDER_TIME_LIMIT", DEFAULT_TIME_LIMIT))
    memory = (
        _setting("PACKS_RENDER_MEMORY_MB", DEFAULT_MEMORY_MB) if memory_mb is None else memory_mb
    )
    request = {
        "spec": spec,
        "roots": _default_roots() if roots is None else roots,
        "memory_mb": int(memory or 0),
        "cpu_seconds": int(limit) + 5,
        "pdf_ua": pdf_ua,
    }
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="pack-render-") as tmp:
        workdir = Path(tmp)
        (workdir / "request.pickle").write_bytes(
            pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        )
        deadline = time.monotonic() + limit
        with open(workdir / "stderr.log", "wb") as stderr:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "governance.packs.worker", str(workdir)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                cwd=str(PROJECT_ROOT),
                env=env,
                start_new_session=True,
            )
            try:
                _pump(process, deadline, progress)
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except (PackRenderTimeout, subprocess.TimeoutExpired):
                _kill(process)
                raise PackRenderTimeout(
                    f"Rendering the pack took longer than {limit:.0f} seconds and was stopped."
                ) from None
            except BaseException:
                _kill(process)
                raise
            finally:
                process.stdout.close()
        return _outcome(process.returncode, workdir)


def _outcome(returncode: int, workdir: Path) -> RenderedPack:
    result = workdir / "result.pickle"
    if returncode == 0 and result.exists():
        # Written by our own worker into our private temporary directory.
        return pickle.loads(result.read_bytes())  # noqa: S301
    error = workdir / "error.json"
    details = json.loads(error.read_text()) if error.exists() else {}
    if details.get("kind") == "input":
        raise PackError(details["message"])
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise PackRenderTimeout("Rendering the pack used up its CPU time and was stopped.")
    log = (workdir / "stderr.log").read_text(errors="replace")[-1500:]
    message = details.get("message") or f"the render process exited with status {returncode}"
    raise PackRenderError(f"Rendering the pack failed: {message}\n{log}".strip())
