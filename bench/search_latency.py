"""Benchmark: search latency on the scale data (PostgreSQL full-text search or SQLite FTS5).

    DATABASE_URL=postgres://... .venv/bin/python bench/search_latency.py [--scale 0.1]
    DATABASE_URL=postgres://.../scale_copy .venv/bin/python bench/search_latency.py --http \
        [--port 8125] [--clients 16] [--requests 64] [--user northmere.signatory]

Loads the demo ICS, grows it with ``seed_scale``, rebuilds the index
(``rebuild_search_index``, timed), then times whole /search/ and /public/search/ pages
(the test client, so template and middleware included) for people who see a lot (the
ICB secretariat) and a little (a trust member, a VCSE member) and for the public: p50 and
p95 over every query and person, with the number of hits each saw.

``--http``: on a database already seeded and indexed (``seed_scale``, then
``rebuild_search_index``), serves the app with gunicorn as ``bench/scale_http.py`` does
and measures /search/ (a partner signatory, the ICB secretariat) and /public/search/
(anonymous) for common, rare and absent words under ``--clients`` concurrent clients,
beside the bare 20-row DRF floor measured before each person and at the end: p95 and
p95 ÷ floor per row (issue 13's page target: ≤ 3).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = [
    "frailty",
    "virtual ward",
    "community beds",
    '"step-down beds"',
    "capital",
    "workforce risk",
    "winter OR escalation",
    "diabetes prevention",
    "annual report",
    "zzzz-nothing",
]


HTTP_QUERIES = [
    "discharge",  # common: in about a third of the records
    "pathology",
    "frailty virtual ward",
    "DEC-2025-5573",  # rare: one proposal and its register entry
    "zzzz-nothing",
]


def http_main(args) -> None:
    """/search/ and /public/search/ under concurrent clients on an already seeded and
    indexed PostgreSQL database, beside the bare 20-row DRF floor of scale_http.py
    (measured before, between and after, in the same run)."""
    from urllib.parse import urlencode

    import scale_http as h

    h.setup_django()
    from django.db import connection

    print(f"database: {connection.settings_dict['NAME']}; load average {os.getloadavg()}")
    people = {"public": None, "icb.secretariat": "icb.secretariat", args.user: args.user}
    cookies = {who: h.session_cookie(u) for who, u in people.items() if u}
    server = h.Server(args.port)
    floors, rows = [], []

    def floor():
        headers = {"Cookie": cookies["icb.secretariat"], "Host": "127.0.0.1"}
        jobs = [("GET", h.FLOOR, headers, None)] * args.requests
        floors.append(h.load(args.port, h.spread(jobs, args.clients)))

    try:
        for who in people:  # warm both workers
            headers = {"Host": "127.0.0.1", **({"Cookie": cookies[who]} if who in cookies else {})}
            for _ in range(4):
                h.request(args.port, "GET", h.FLOOR, headers)
                h.request(args.port, "GET", "/search/?q=warm", headers)
        for who in people:
            floor()
            headers = {"Host": "127.0.0.1", **({"Cookie": cookies[who]} if who in cookies else {})}
            path = "/public/search/" if who == "public" else "/search/"
            for q in HTTP_QUERIES:
                url = f"{path}?{urlencode({'q': q})}"
                _, _, body = h.request(args.port, "GET", url, headers)
                found = re.search(rb"([0-9,]+) results?", body)
                jobs = [("GET", url, headers, None)] * args.requests
                r = h.load(args.port, h.spread(jobs, args.clients))
                rows.append((who, q, found.group(1).decode() if found else "?", r))
        floor()
    finally:
        server.stop()
    floor_p95 = statistics.mean(f["p95"] for f in floors)
    print(f"{args.clients} clients, {args.requests} requests a row; load {os.getloadavg()}")
    print(
        "floor (bare 20-row DRF list) p95 per run: "
        + ", ".join(f"{f['p95']:.0f}" for f in floors)
        + f" ms; mean {floor_p95:.0f} ms"
    )
    heads = ("who", 22), ("query", 22), ("hits", -8), ("p50 ms", -8), ("p95 ms", -8)
    heads += (("×floor", -8), ("queries", -9))
    print("".join(f"{t:<{w}}" if w > 0 else f"{t:>{-w}}" for t, w in heads))
    for who, q, hits, r in rows:
        qs = "-" if r["queries"] is None else f"{r['queries'][0]}–{r['queries'][1]}"
        print(
            f"{who:<22}{q:<22}{hits:>8}{r['p50']:>8.0f}{r['p95']:>8.0f}"
            f"{r['p95'] / floor_p95:>8.2f}{qs:>9}  {r['statuses']}"
        )
    worst = max(r["p95"] for *_, r in rows)
    print(f"worst search p95 {worst:.0f} ms = {worst / floor_p95:.2f} × the floor (target ≤ 3)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--http", action="store_true", help="concurrent HTTP beside the floor")
    parser.add_argument("--port", type=int, default=8125)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--user", default="northmere.signatory")
    args = parser.parse_args()
    if args.http:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        http_main(args)
        return
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="search-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from governance.search.models import SearchDocument

    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("seed_demo", verbosity=0)
    call_command("seed_scale", scale=args.scale, verbosity=0)
    print(f"database: {connection.vendor}; seeded in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    with open(os.devnull, "w") as devnull:
        call_command("rebuild_search_index", stdout=devnull)
    print(
        f"rebuild_search_index: {SearchDocument.objects.count()} documents "
        f"in {time.monotonic() - started:.1f} s"
    )
    people = {"public": None}
    for username in ("icb.secretariat", "acute.member", "vcse.member"):
        people[username] = get_user_model().objects.get(username=username)
    all_ms = []
    print(f"{'who':<16} {'query':<22} {'hits':>6} {'p50 ms':>7} {'max ms':>7}")
    for who, user in people.items():
        client = Client()
        url = "/public/search/" if user is None else "/search/"
        if user is not None:
            client.force_login(user)
        for q in QUERIES:
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                response = client.get(url, {"q": q})
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200
            hits = response.context["results"].total
            all_ms += times
            p50, worst = statistics.median(times), max(times)
            print(f"{who:<16} {q:<22} {hits:>6} {p50:>7.1f} {worst:>7.1f}")
    all_ms.sort()
    p95 = all_ms[int(0.95 * (len(all_ms) - 1))]
    print(
        f"all pages: n={len(all_ms)} p50={statistics.median(all_ms):.1f} ms "
        f"p95={p95:.1f} ms max={all_ms[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
