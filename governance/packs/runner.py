"""The app's own job runner, used when no Celery broker is configured.

Why threads in the web process: Django 5.2 has no task framework (``django.tasks``
arrives in 6.0), and the embedded default must work with nothing but the app. A pack
render already runs in a separate, time- and memory-limited process
(``governance.packs.engine``), so a runner thread only waits on it and writes the
outcome; the request that queued the job returns at once.

- Only web processes run it: ``governance/wsgi.py`` calls ``enable()`` (gunicorn and
  runserver load it). Elsewhere (``manage.py`` commands such as ``seed_demo``, shells)
  jobs run inline after the commit, so a command never exits with its jobs half done.
- ``PACK_JOBS_THREADS`` daemon threads (default 2) start lazily, at the first ``wake()``
  in a process (so an idle web worker starts none).
- The in-memory queue holds no job ids, only wake-ups: a thread that wakes claims the
  oldest queued job from the database (``jobs.job_claim_next``, one conditional UPDATE),
  runs it, and repeats until none is left. Several web processes, each with its runner,
  therefore never run a job twice, and a job queued by a process that died is picked up
  by the next runner that wakes (threads also look every ``PACK_JOBS_POLL_SECONDS``).
- Each thread closes its database connections after every job and whenever it goes idle.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_wakeups: queue.Queue = queue.Queue()
_threads: list[threading.Thread] = []
_stopping = threading.Event()
_enabled = threading.Event()


def enable() -> None:
    """Let this process run jobs on runner threads (called by governance/wsgi.py)."""
    _enabled.set()


def disable() -> None:
    _enabled.clear()


def enabled() -> bool:
    return _enabled.is_set()


def _close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def _drain() -> int:
    """Run queued jobs until none is left; how many ran."""
    from governance.packs import jobs

    ran = 0
    while not _stopping.is_set():
        try:
            job = jobs.job_run_next()
        except Exception:  # the database went away, say: log, back off, try later
            logger.exception("The job runner could not take a job")
            job = None
        finally:
            _close_connections()
        if job is None:
            return ran
        ran += 1
    return ran


def _loop() -> None:
    poll = float(getattr(settings, "PACK_JOBS_POLL_SECONDS", 30))
    while not _stopping.is_set():
        with contextlib.suppress(queue.Empty):
            _wakeups.get(timeout=poll)
        if _stopping.is_set():
            break
        _drain()


def start() -> None:
    """Start the threads if they are not running (idempotent)."""
    with _lock:
        alive = [t for t in _threads if t.is_alive()]
        _threads[:] = alive
        wanted = max(1, int(getattr(settings, "PACK_JOBS_THREADS", 2)))
        _stopping.clear()
        for n in range(len(alive), wanted):
            thread = threading.Thread(target=_loop, name=f"job-runner-{n + 1}", daemon=True)
            thread.start()
            _threads.append(thread)


def wake() -> None:
    """Tell the runner a job is waiting (starting it if needed)."""
    start()
    _wakeups.put(None)


def running() -> int:
    """How many runner threads are alive."""
    return sum(1 for t in _threads if t.is_alive())


def stop(timeout: float = 30.0) -> None:
    """Stop the threads after their current job (tests; a process going down)."""
    with _lock:
        threads = list(_threads)
        _stopping.set()
        for _ in threads:
            _wakeups.put(None)
    for thread in threads:
        thread.join(timeout)
    with _lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        while not _wakeups.empty():
            _wakeups.get_nowait()
