"""Rendering a board pack: the function the meetings app calls.

``render_pack(spec)`` returns a :class:`~governance.packs.spec.RenderedPack`. The work
runs in a separate Python process (``governance.packs.worker``) so that it can be
given a hard time limit and a memory limit, and so WeasyPrint's memory goes back to
the system when it is done: the process is killed if it overruns, whatever it is doing.

Settings (optional): ``PACKS_RENDER_TIME_LIMIT`` seconds (default 300),
``PACKS_RENDER_MEMORY_MB`` address-space limit for the render process (default 4096;
0 for none), ``PACKS_RENDER_WARM`` (default True): fork each render process from a
warm fork server (``governance.packs.worker``, one per application process, started at
the first render) instead of starting a fresh interpreter (~0.7 s) for every render.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import pickle
import queue
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
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


def _pump(stream, deadline: float, progress: Progress | None) -> None:
    """Relay the worker's progress lines until it closes the pipe or the deadline passes."""
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PackRenderTimeout
            if not selector.select(timeout=min(remaining, 1.0)):
                continue
            chunk = os.read(stream.fileno(), 65536)
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


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


class _ForkServer:
    """This process's warm fork server (see ``governance.packs.worker``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.sock: socket.socket | None = None
        self.owner = 0

    def _start(self) -> None:
        self.stop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "governance.packs.worker", "--serve"],
                stdin=theirs.fileno(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=str(PROJECT_ROOT),
                env=_environment(),
                start_new_session=True,
            )
        finally:
            theirs.close()
        self.sock, self.owner = ours, os.getpid()

    def stop(self) -> None:
        if self.sock is not None and self.owner == os.getpid():
            self.sock.close()  # the server sees the end of its socket and exits
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=2)
        self.sock = self.process = None

    def submit(self, workdir: Path) -> int:
        """Ask for a render of ``workdir``; returns the read end of its progress pipe."""
        read_end, write_end = os.pipe()
        try:
            with self.lock:
                for attempt in (1, 2):
                    if self.owner != os.getpid():  # we are a fork of the process that started it
                        self.sock = self.process = None
                    if self.process is None or self.process.poll() is not None:
                        self._start()
                    try:
                        socket.send_fds(self.sock, [str(workdir).encode()], [write_end])
                        break
                    except OSError:
                        self.stop()
                        if attempt == 2:
                            raise
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)
        return read_end


_SERVER = _ForkServer()
atexit.register(_SERVER.stop)


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return None


def _wait_for(path: Path, until: float) -> int | None:
    while True:
        value = _read_int(path)
        if value is not None or time.monotonic() >= until:
            return value
        time.sleep(0.005)


def _kill_forked(workdir: Path) -> None:
    pid = _wait_for(workdir / "pid", time.monotonic() + 2)
    if pid is None or _read_int(workdir / "status") is not None:
        return  # never started, or already reaped
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill(pid, signal.SIGKILL)
    _wait_for(workdir / "status", time.monotonic() + 5)


def _run_warm(workdir: Path, deadline: float, progress: Progress | None) -> int:
    read_end = _SERVER.submit(workdir)
    try:
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            _pump(pipe, deadline, progress)
        status = _wait_for(workdir / "status", deadline)
        if status is None:
            raise PackRenderTimeout
        return status
    except BaseException:
        _kill_forked(workdir)
        raise


def _run_cold(workdir: Path, deadline: float, progress: Progress | None) -> int:
    with open(workdir / "stderr.log", "wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "governance.packs.worker", str(workdir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=str(PROJECT_ROOT),
            env=_environment(),
            start_new_session=True,
        )
        try:
            _pump(process.stdout, deadline, progress)
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _kill(process)
            raise PackRenderTimeout from None
        except BaseException:
            _kill(process)
            raise
        finally:
            process.stdout.close()
    return process.returncode


def render_pack(
    spec: PackSpec,
    *,
    progress: Progress | None = None,
    time_limit: float | None = None,
    memory_mb: int | None = None,
    roots: list[Root] | None = None,
    pdf_ua: bool = True,
    parts: bool | None = None,
    workers: int | None = None,
) -> RenderedPack:
    """Render ``spec`` to one numbered PDF in an isolated process with a time limit.

    ``progress(percent, message)`` is called as the render advances (in this thread).
    Raises :class:`PackError` if the spec cannot be rendered (message for the user),
    :class:`PackRenderTimeout` if it overran ``time_limit`` seconds, or
    :class:`PackRenderError` if the renderer failed.

    With ``parts`` (default: setting ``PACKS_RENDER_PARTS``, True) the pack is rendered
    in parts (``governance.packs.parts``) on ``workers`` render processes at once
    (default: setting ``PACKS_RENDER_WORKERS``, 2), reusing the parts already rendered
    with the same HTML and CSS (kept under ``PACKS_PRIVATE_ROOT/pack-parts``).
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
    if parts is None:
        parts = _setting("PACKS_RENDER_PARTS", True)
    deadline = time.monotonic() + limit
    try:
        if parts and spec.items:
            return _render_in_parts(spec, request, deadline, progress, workers)
        return _job(request, deadline, progress)
    except PackRenderTimeout:
        raise PackRenderTimeout(
            f"Rendering the pack took longer than {limit:.0f} seconds and was stopped."
        ) from None


def _renderer_version() -> str:
    from importlib.metadata import version

    return " ".join(f"{name} {version(name)}" for name in ("weasyprint", "pydyf", "pikepdf"))


def _part_cache():
    from governance.packs.partcache import PartCache

    root = _setting("PACKS_PRIVATE_ROOT", None)
    return PartCache(Path(root) / "pack-parts" if root else None)


def _balance(parts: list[tuple[str, str]], workers: int) -> list[list[tuple[str, str]]]:
    """Share the parts between the workers, largest first, by the length of their HTML."""
    groups: list[list[tuple[str, str]]] = [[] for _ in range(max(1, workers))]
    sizes = [0] * len(groups)
    for name, html in sorted(parts, key=lambda part: -len(part[1])):
        emptiest = sizes.index(min(sizes))
        groups[emptiest].append((name, html))
        sizes[emptiest] += len(html)
    return [group for group in groups if group]


def render_body_parts(
    group: list[tuple[str, str]], request: dict, deadline: float, progress: Progress | None = None
):
    """Lay out and write some body parts in one render process (one of the workers).
    ``progress(count, message)`` as each part is done."""
    return _job({**request, "spec": None, "kind": "bodies", "parts": group}, deadline, progress)


def _render_in_parts(
    spec: PackSpec, request: dict, deadline: float, progress: Progress | None, workers
) -> RenderedPack:
    from concurrent.futures import ThreadPoolExecutor, wait

    from governance.packs import parts as packparts
    from governance.packs.layout import PACK_CSS
    from governance.packs.partcache import part_key
    from governance.packs.pipeline import check_public_metadata

    report = progress or (lambda _pct, _msg: None)
    check_public_metadata(spec)  # refused before any part is laid out (again in finish)
    workers = int(workers or _setting("PACKS_RENDER_WORKERS", 2))
    bodies = packparts.body_parts(spec)
    css = PACK_CSS + packparts.PARTS_CSS
    keys = {name: part_key(html, css, _renderer_version()) for name, html in bodies}
    cache = _part_cache()
    found = {name: cache.get(keys[name], name) for name, _html in bodies}
    missing = [(name, html) for name, html in bodies if found[name] is None]
    report(10, f"Laying out {len(missing)} of {len(bodies)} parts")
    done, peak, cpu = {}, 0, 0
    if missing:
        groups = _balance(missing, workers)
        # Progress comes back on the workers' threads; it is reported from this thread
        # (the caller's callback may write to its database connection).
        counted = [0] * len(groups)
        events: queue.SimpleQueue = queue.SimpleQueue()

        def counter(worker: int):
            return lambda count, _message: events.put((worker, count))

        def relay() -> None:
            changed = False
            while not events.empty():
                worker, count = events.get()
                counted[worker], changed = count, True
            if changed:
                total = sum(counted)
                report(10 + 70 * total // len(missing), f"Laid out {total} of {len(missing)} parts")

        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            futures = [
                pool.submit(render_body_parts, group, request, deadline, counter(n))
                for n, group in enumerate(groups)
            ]
            pending = set(futures)
            while pending:
                _finished, pending = wait(pending, timeout=0.5)
                relay()
            relay()
            for future in futures:
                result = future.result()
                peak, cpu = max(peak, result.peak_memory_kib), cpu + result.cpu_ms
                for part in result.parts:
                    done[part.name] = part
                    cache.put(keys[part.name], part)
    report(80, "Numbering and joining the parts")
    ordered = [found[name] or done[name] for name, _html in bodies]
    pack = _job({**request, "kind": "finish", "bodies": ordered}, deadline, progress)
    pack.peak_memory_kib = max(peak, pack.peak_memory_kib)
    pack.cpu_ms += cpu
    pack.parts_rendered = [name for name, _html in missing]
    pack.parts_reused = [name for name, _html in bodies if found[name] is not None]
    return pack


def _job(request: dict, deadline: float, progress: Progress | None = None):
    """Run one request in a render process; its result (or the error it reported)."""
    warm = _setting("PACKS_RENDER_WARM", True)
    with tempfile.TemporaryDirectory(prefix="pack-render-") as tmp:
        workdir = Path(tmp)
        (workdir / "request.pickle").write_bytes(
            pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        )
        returncode = (_run_warm if warm else _run_cold)(workdir, deadline, progress)
        return _outcome(returncode, workdir)


def _outcome(returncode: int, workdir: Path):
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
