"""Profile of one sign-off decision over the API: queries, time, and the chain-head lock.

    DATABASE_URL=postgres://… .venv/bin/python bench/signoff_profile.py [--signoffs 32]
        [--show-sql] [--cprofile 25]

Prepares ``--signoffs`` pending sign-offs through the services (as ``scale_http.py``
does: proposals put to 16 organisations, one signatory each), then decides them one
after another in-process with Django's test client over
``POST /api/v1/signoffs/{id}/decide/`` (token authentication), and prints per request:
the SQL statements (all, and those run while the audit chain head was locked), the
time spent in SQL, and how long the head lock was held (from the statement that takes
it to the end of the request's transaction). Writes to the database: use a copy.
Not a test: prints figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale_http import prepare_signoffs, setup_django, token_for  # noqa: E402


class Recorder:
    """``connection.execute_wrapper``: each statement's SQL, duration and whether the
    chain head was locked when it ran."""

    def __init__(self):
        self.rows: list[tuple[str, float, bool]] = []
        self.locked_at: float | None = None
        self.committed = False  # the service returned: its transaction has ended

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            if self.locked_at is None and "audit_chainhead" in sql and "FOR UPDATE" in sql:
                self.locked_at = started
            self.rows.append((sql, took, self.locked_at is not None and not self.committed))


def _appends(result: dict) -> int:
    return sum("INSERT INTO audit_auditevent" in sql for sql, _took, _locked in result["rows"])


def decide_one(client, pk: int, token: str, recorder: Recorder) -> dict:
    from django.db import connection

    recorder.rows.clear()
    recorder.locked_at = None
    recorder.committed = False
    started = time.perf_counter()
    with connection.execute_wrapper(recorder):
        response = client.post(
            f"/api/v1/signoffs/{pk}/decide/",
            data=json.dumps({"outcome": "approve"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
    ended = time.perf_counter()
    assert response.status_code == 200, (response.status_code, response.content[:300])
    # the request's write transaction ends at the last COMMIT-bound statement: the lock is
    # held until the service returns; approximate it by the last locked statement's end
    locked = [r for r in recorder.rows if r[2]]
    return {
        "total_ms": (ended - started) * 1000,
        "queries": len(recorder.rows),
        "sql_ms": sum(r[1] for r in recorder.rows) * 1000,
        "locked_queries": len(locked),
        "rows": list(recorder.rows),
        "locked_at": recorder.locked_at,
        "ended": ended,
    }


def insert_costs(client, token: str, count: int, recorder: Recorder) -> list[float]:
    """The bare one-row insert endpoint's request time, same client and token."""
    from django.db import connection

    from bench.scale_http import ensure_bench_table

    ensure_bench_table()
    took = []
    for _ in range(count + 1):
        recorder.rows.clear()
        started = time.perf_counter()
        with connection.execute_wrapper(recorder):
            response = client.post(
                "/bench/insert/",
                data=json.dumps({"note": "x"}),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Token {token}",
            )
        took.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201, response.content[:300]
    return took[1:]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signoffs", type=int, default=32)
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--cprofile", type=int, default=0, help="print the top N functions")
    args = parser.parse_args(argv[1:])
    setup_django()
    from django.db import connection
    from django.test import Client

    from governance.signoffs import services

    pending = prepare_signoffs(args.signoffs)
    tokens = {u.pk: token_for(u) for _, u in pending}
    client = Client(HTTP_HOST="127.0.0.1")
    recorder = Recorder()
    # when the service's transaction ends: patch signoff_decide to time its return
    hold = []
    original = services.signoff_decide

    def timed(**kwargs):
        result = original(**kwargs)
        recorder.committed = True
        if recorder.locked_at is not None:
            hold.append((time.perf_counter() - recorder.locked_at) * 1000)
        return result

    import governance.api.signoffs as api_signoffs

    api_signoffs.signoff_decide = timed
    profiler = cProfile.Profile() if args.cprofile else None
    results = []
    for pk, user in pending[1:]:  # the first one warms the caches
        if profiler:
            profiler.enable()
        results.append(decide_one(client, pk, tokens[user.pk], recorder))
        if profiler:
            profiler.disable()
    first = pending[0]
    decide_one(client, first[0], tokens[first[1].pk], recorder)
    inserts = insert_costs(client, tokens[first[1].pk], len(results), recorder)
    connection.close()
    concluded = [r for r in results if _appends(r) > 1]
    print(f"{len(results)} sign-offs decided in-process over the API")
    for label, group in (
        ("all", results),
        ("plain (no conclusion)", [r for r in results if r not in concluded]),
        ("concluding a round", concluded),
    ):
        if not group:
            continue

        def median(key, group=group):
            return statistics.median(r[key] for r in group)

        print(
            f"{label:<24} n={len(group):>3} median total {median('total_ms'):7.2f} ms, "
            f"SQL {median('sql_ms'):6.2f} ms, queries {median('queries'):5.0f}, "
            f"of which with the head locked {median('locked_queries'):4.0f}"
        )
    insert_ms = statistics.median(inserts)
    print(
        f"bare one-row insert      n={len(inserts):>3} median total {insert_ms:7.2f} ms, "
        f"queries {len(recorder.rows)}; sign-off/insert cost "
        f"{statistics.median(r['total_ms'] for r in results) / insert_ms:.2f}× "
        f"(throughput ratio if CPU-bound: "
        f"{insert_ms / statistics.median(r['total_ms'] for r in results):.2f}×)"
    )
    if hold:
        print(
            f"chain-head lock held (lock statement → service return): median "
            f"{statistics.median(hold):.2f} ms, max {max(hold):.2f} ms"
        )
    if args.show_sql:
        for label, group in (
            ("plain", [r for r in results if r not in concluded]),
            ("concluding", concluded),
        ):
            if not group:
                continue
            sample = group[len(group) // 2]
            print(f"\n--- one {label} request: {sample['queries']} statements ---")
            for sql, took, locked in sample["rows"]:
                print(f"{'L' if locked else ' '} {took * 1000:6.2f} ms  {sql[:160]}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.cprofile)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
