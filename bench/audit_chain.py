"""Benchmark: audit-trail appends (one and several writers) and chain verification.

Runs against a throwaway database: a temporary SQLite file by default, or the
PostgreSQL database named by BENCH_DATABASE_URL (its tables are created by migrate and
left in place). Not a test; prints figures.

    python bench/audit_chain.py [EVENTS]
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from governance.audit.selectors import verify_chain  # noqa: E402
from governance.audit.services import audit_record  # noqa: E402
from governance.organisations.models import Organisation  # noqa: E402


def append(n: int, target) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, verb="bench.append", target=target, changes={"i": i})


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    call_command("migrate", verbosity=0)
    target, _ = Organisation.objects.get_or_create(
        identifier="QZZ", defaults={"name": "Benchmark ICB", "kind": "icb"}
    )
    started = time.perf_counter()
    append(events, target)
    one = events / (time.perf_counter() - started)

    writers, per_writer = 8, events // 8

    def work():
        try:
            append(per_writer, target)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(writers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    many = writers * per_writer / (time.perf_counter() - started)

    started = time.perf_counter()
    result = verify_chain()
    verify_rate = result.checked / (time.perf_counter() - started)
    print(f"database: {connection.vendor}")
    print(f"appends, one writer:   {one:,.0f} events/s")
    print(f"appends, {writers} writers:    {many:,.0f} events/s")
    print(f"verify: {result.checked:,} events, {verify_rate:,.0f} events/s, intact={result.ok}")


if __name__ == "__main__":
    main()
