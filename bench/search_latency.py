"""Benchmark: search latency on the scale data (PostgreSQL full-text search or SQLite FTS5).

    DATABASE_URL=postgres://... .venv/bin/python bench/search_latency.py [--scale 0.1]

Loads the demo ICS, grows it with ``seed_scale``, rebuilds the index
(``rebuild_search_index``, timed), then times whole /search/ and /public/search/ pages
(the test client, so template and middleware included) for people who see a lot (the
ICB secretariat) and a little (a trust member, a VCSE member) and for the public: p50 and
p95 over every query and person, with the number of hits each saw.
"""

from __future__ import annotations

import argparse
import os
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
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
