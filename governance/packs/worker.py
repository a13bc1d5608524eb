"""The isolated render process: ``python -m governance.packs.worker WORKDIR``.

Started by ``governance.packs.engine.render_pack``. Reads ``WORKDIR/request.pickle``
(written by the parent moments before, in a private temporary directory), applies its
own CPU and memory limits, renders, and writes ``WORKDIR/result.pickle`` or
``WORKDIR/error.json``. Progress goes to stdout as one JSON object a line. It loads
WeasyPrint and pypdf, not Django, and opens no network connection.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
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
    workdir = Path(argv[1])
    # Our own parent wrote this file in a private (0700) directory a moment ago.
    request = pickle.loads((workdir / "request.pickle").read_bytes())  # noqa: S301
    _limit(request.get("memory_mb"), request.get("cpu_seconds"))
    from governance.packs.pipeline import render_here
    from governance.packs.spec import PackError

    try:
        result = render_here(
            request["spec"], request.get("roots"), _progress, pdf_ua=request.get("pdf_ua", True)
        )
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
    partial = workdir / "result.pickle.part"
    partial.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(partial, workdir / "result.pickle")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv))
