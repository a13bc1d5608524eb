"""The isolated render process: ``python -m governance.packs.worker WORKDIR``.

Started by ``governance.packs.engine.render_pack``. Reads ``WORKDIR/request.pickle``
(written by the parent moments before, in a private temporary directory), applies its
own CPU and memory limits, renders, and writes ``WORKDIR/result.pickle`` or
``WORKDIR/error.json``. Progress goes to stdout as one JSON object a line. It loads
WeasyPrint, pikepdf and pypdf, not Django, and opens no network connection.

Warm start (``python -m governance.packs.worker --serve``, the default): starting a
fresh interpreter and importing WeasyPrint costs ~0.7 s a render, so the engine keeps
one small *fork server* per application process. The server is a fresh interpreter
(never a fork of the Django process: no Django, no database connections, no secrets in
memory beyond the environment) that imports the renderer and lays out one tiny page to
load the fonts, then waits on a UNIX socket. For each render it receives the work
directory and the write end of a progress pipe, and forks a child that starts its own
session, applies the same CPU and memory limits, renders exactly as above and exits:
every render is still its own process, killed with its process group on a timeout, and
nothing one render does can reach the next. The server records each child's pid
(``WORKDIR/pid``) and, once it has reaped it, its exit status (``WORKDIR/status``).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import resource
import select
import signal
import socket
import sys
import traceback
from pathlib import Path

EXIT_OK, EXIT_CRASH, EXIT_INPUT, EXIT_MEMORY = 0, 1, 2, 3


def _limit(memory_mb: int | None, cpu_seconds: int | None) -> None:
    if memory_mb:
        size = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    if cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_seconds), int(cpu_seconds) + 5))


def _write_error(workdir: Path, kind: str, message: str) -> None:
    (workdir / "error.json").write_text(json.dumps({"kind": kind, "message": message[:2000]}))


def _progress(percent: int, message: str) -> None:
    sys.stdout.write(json.dumps({"progress": int(percent), "message": message}) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    if argv[1:2] == ["--serve"]:
        return serve(socket.socket(fileno=0))
    return run(Path(argv[1]))


def run(workdir: Path) -> int:
    # Our own parent wrote this file in a private (0700) directory a moment ago.
    request = pickle.loads((workdir / "request.pickle").read_bytes())  # noqa: S301
    _limit(request.get("memory_mb"), request.get("cpu_seconds"))
    from governance.packs.spec import PackError

    try:
        result = _job(request)
    except PackError as exc:
        _write_error(workdir, "input", str(exc))
        return EXIT_INPUT
    except MemoryError:
        _write_error(workdir, "memory", "The render ran out of memory.")
        return EXIT_MEMORY
    except Exception as exc:
        traceback.print_exc()
        _write_error(workdir, "crash", f"{type(exc).__name__}: {exc}")
        return EXIT_CRASH
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.peak_memory_kib = usage.ru_maxrss
    result.cpu_ms = int((usage.ru_utime + usage.ru_stime) * 1000)
    partial = workdir / "result.pickle.part"
    partial.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(partial, workdir / "result.pickle")
    return EXIT_OK


def _job(request: dict):
    """The work asked for: a whole pack (the default), or, for a pack rendered in parts
    (``governance.packs.parts``), some of its body parts, or the rest and the merge."""
    kind = request.get("kind", "pack")
    roots = request.get("roots")
    if kind == "bodies":
        from governance.packs.parts import PartsDone, render_bodies

        return PartsDone(render_bodies(request["parts"], roots, _progress))
    if kind == "finish":
        from governance.packs.parts import finish

        return finish(
            request["spec"], roots, request["bodies"], request.get("pdf_ua", True), _progress
        )
    from governance.packs.pipeline import render_here

    return render_here(request["spec"], roots, _progress, pdf_ua=request.get("pdf_ua", True))


def _warm() -> None:
    """Import the renderer and lay out one tiny page, so fonts are loaded once."""
    from governance.packs.layout import PACK_CSS
    from governance.render_engine import CSS, HTML

    HTML(string="<p>Warm up: 0123456789 <b>bold</b> <i>italic</i></p>").write_pdf(
        stylesheets=[CSS(string=PACK_CSS)], pdf_tags=True
    )


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".part")
    partial.write_text(text)
    os.replace(partial, path)


def _child(sock: socket.socket, workdir: Path, progress_fd: int) -> None:
    """In the forked child: own session, progress pipe as stdout, stderr to the log."""
    code = EXIT_CRASH
    try:
        os.setsid()
        sock.close()
        os.dup2(progress_fd, 1)
        os.close(progress_fd)
        log = os.open(workdir / "stderr.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log, 2)
        os.close(log)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        code = run(workdir)
    except BaseException:  # the child must always exit, never return into the loop
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve(sock: socket.socket) -> int:
    """The fork server's loop (see the module docstring). Ends when the engine's end of
    the socket closes (its process exited)."""
    _warm()
    children: dict[int, Path] = {}
    while True:
        readable, _, _ = select.select([sock], [], [], 0.02 if children else None)
        if readable:
            message, fds, _flags, _addr = socket.recv_fds(sock, 4096, 1)
            if not message:
                return EXIT_OK
            if len(fds) != 1:
                for fd in fds:
                    os.close(fd)
                continue
            workdir = Path(message.decode())
            pid = os.fork()
            if pid == 0:
                _child(sock, workdir, fds[0])
            os.close(fds[0])
            children[pid] = workdir
            with contextlib.suppress(OSError):  # the engine may have given up already
                _write_atomic(workdir / "pid", str(pid))
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            workdir = children.pop(pid, None)
            if workdir is not None:
                with contextlib.suppress(OSError):
                    _write_atomic(workdir / "status", str(os.waitstatus_to_exitcode(status)))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
