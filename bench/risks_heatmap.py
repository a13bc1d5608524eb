"""Benchmark: heat map counts, the register page and the API list as the register grows.

    .venv/bin/python bench/risks_heatmap.py [--sizes 0,1000,10000]

Reports, for the ICB secretariat (sees every risk) and a trust member (scoped to the
trust's own and shared risks): queries and best-of-5 time for the heat map counts, the
whole /risks/ page (which lists every risk it counts) and /api/v1/risks/ (50 a page).
"""

from __future__ import annotations

import argparse

from risks_common import add_risks, setup_django, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="0,1000,5000")
    args = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from governance.risks import selectors
    from governance.risks.models import Risk

    setup_test_environment()  # lets the test client through ALLOWED_HOSTS
    users = {
        u: get_user_model().objects.get(username=u) for u in ("icb.secretariat", "acute.member")
    }
    print(f"database: {connection.vendor}")
    head = ("risks", "user", "visible", "heatmap q/ms", "page q/ms", "api q/ms")
    print("{:>7} {:<16} {:>7} {:>13} {:>12} {:>11}".format(*head))
    done = 0
    for size in [int(s) for s in args.sizes.split(",")]:
        add_risks(size - done) if size > done else None
        done = max(done, size)
        total = Risk.objects.count()
        for name, user in users.items():
            with CaptureQueriesContext(connection) as q:
                counts = selectors.heat_map_counts(user)
            hm_q = len(q)  # read now: each test-client request resets the query log
            hm_ms, _ = timed(lambda user=user: selectors.heat_map_counts(user))
            client = Client()
            client.force_login(user)
            with CaptureQueriesContext(connection) as pq:
                assert client.get("/risks/").status_code == 200
            page_q = len(pq)
            page_ms, _ = timed(lambda c=client: c.get("/risks/"), repeat=3)
            with CaptureQueriesContext(connection) as aq:
                assert client.get("/api/v1/risks/").status_code == 200
            api_q = len(aq)
            api_ms, _ = timed(lambda c=client: c.get("/api/v1/risks/"), repeat=3)
            print(
                f"{total:>7} {name:<16} {sum(counts.values()):>7} "
                f"{hm_q:>4} /{hm_ms:>6.1f} {page_q:>4} /{page_ms:>6.0f} {api_q:>4} /{api_ms:>5.0f}"
            )


if __name__ == "__main__":
    main()
