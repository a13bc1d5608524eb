"""Benchmark: audit-trail appends and chain verification. Not a test; prints figures.

python bench/audit_chain.py [EVENTS]
    appends (one and 8 writers) then verification, on a throwaway database: a
    temporary SQLite file, or the PostgreSQL database named by BENCH_DATABASE_URL
    (migrated, tables left in place);
DATABASE_URL=… python bench/audit_chain.py verify [--workers N] [--stride K] [--root DIR]
    ``selectors.verify_chain`` on an existing trail, read only (no VerificationRun
    row): events/s wall and per CPU-second of this process and its workers
    (``--root``: another checkout's code, e.g. an older commit, for a before/after);
DATABASE_URL=… python bench/audit_chain.py append [--appends N] [--rounds R]
    the append cost on a database you may write to (it appends to the trail and to
    ``bench_row``, created if missing): a one-row insert transaction with and
    without ``audit_record``, interleaved rounds; wall per write (median of rounds)
    and CPU per write, client and server backend (from /proc), which a loaded
    machine disturbs far less than wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup(root: Path = ROOT) -> None:
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    import django

    django.setup()


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def verify(args) -> None:
    setup(Path(args.root).resolve() if args.root else ROOT)
    from governance.audit import selectors

    options = {"workers": args.workers}
    if args.stride is not None:
        options["stride"] = args.stride
    load = os.getloadavg()[0]
    cpu, started = cpu_seconds(), time.perf_counter()
    result = selectors.verify_chain(**options)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(
        f"verify_chain({options}) [{args.root or ROOT}]: ok={result.ok} {result.problem} "
        f"{result.checked:,} events, {result.signatures_checked:,} signatures; "
        f"{wall:.1f} s wall = {result.checked / wall:,.0f} events/s; "
        f"CPU {cpu:.1f} s = {result.checked / cpu:,.0f} events per CPU-second; "
        f"load {load:.1f} → {os.getloadavg()[0]:.1f}"
    )


def append_cost(args) -> None:
    setup()
    from django.db import connection, transaction

    from governance.audit.services import audit_record
    from governance.organisations.models import Organisation

    target = Organisation.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_row (id bigserial PRIMARY KEY, "
            "note varchar(100) NOT NULL, created timestamptz NOT NULL)"
        )
    pid = connection.connection.info.backend_pid

    def server_cpu() -> float:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def plain():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_row (note, created) VALUES ('plain', now())")

    def audited():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO bench_row (note, created) VALUES ('audit', now())")
            audit_record(actor=None, verb="bench.append", target=target, changes={"n": 1})

    variants = {"plain": plain, "audited": audited}
    wall = {name: [] for name in variants}
    client = {name: [] for name in variants}
    server = {name: [] for name in variants}
    for fn in variants.values():
        for _ in range(20):
            fn()
    load = os.getloadavg()[0]
    for _ in range(args.rounds):
        for name, fn in variants.items():
            s0, c0, t0 = server_cpu(), time.process_time(), time.perf_counter()
            for _ in range(args.appends):
                fn()
            wall[name].append((time.perf_counter() - t0) * 1000 / args.appends)
            client[name].append((time.process_time() - c0) * 1000 / args.appends)
            server[name].append((server_cpu() - s0) * 1000 / args.appends)
    row = {}
    for name in variants:
        row[name] = (
            statistics.median(wall[name]),
            statistics.fmean(client[name]),
            statistics.fmean(server[name]),
        )
        w, c, s = row[name]
        print(f"{name:>8}: wall {w:.3f} ms; CPU client {c:.3f} + server {s:.3f} = {c + s:.3f} ms")
    (pw, pc, ps), (aw, ac, as_) = row["plain"], row["audited"]
    print(
        f"added by audit_record: wall +{aw - pw:.3f} ms, CPU +{(ac + as_) - (pc + ps):.3f} ms "
        f"(client +{ac - pc:.3f}, server +{as_ - ps:.3f}); {args.rounds} rounds of "
        f"{args.appends}; load {load:.1f} → {os.getloadavg()[0]:.1f}"
    )


def appends_then_verify(events: int) -> None:
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    )
    setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from governance.audit.selectors import verify_chain
    from governance.audit.services import audit_record
    from governance.organisations.models import Organisation

    def append(n: int, target) -> None:
        for i in range(n):
            with transaction.atomic():
                audit_record(actor=None, verb="bench.append", target=target, changes={"i": i})

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


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("verify", "append"):
        parser = argparse.ArgumentParser(prog="audit_chain.py")
        parser.add_argument("mode", choices=["verify", "append"])
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--stride", type=int, default=None)
        parser.add_argument("--root", default=None)
        parser.add_argument("--appends", type=int, default=300)
        parser.add_argument("--rounds", type=int, default=5)
        args = parser.parse_args()
        (verify if args.mode == "verify" else append_cost)(args)
        return
    appends_then_verify(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)


if __name__ == "__main__":
    main()
