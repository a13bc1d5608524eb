"""Benchmark: the product at scale on PostgreSQL, beside the framework's floor.

    DATABASE_URL=postgres://… .venv/bin/python bench/scale_http.py [--seed-scale 1.0]
        [--port 8106] [--clients 16] [--requests 160] [--signoffs 1600]
        [--appends 2000] [--json out.json] [--skip migrate,http,signoffs,append,verify]
    .venv/bin/python bench/scale_http.py --compare small.json large.json

Seeds the database with ``manage.py seed_scale`` first if it holds no proposals (at
``--seed-scale``), then:

- starts gunicorn (2 sync workers) on loopback with ``bench/scale_settings.py`` (the
  application plus two bench-only reference endpoints and an ``X-Queries`` header);
- measures p50/p95 of the main pages and endpoints under ``--clients`` concurrent
  clients (threads, one HTTP connection per request) as one signatory (default: the
  council signatory with the most pending sign-offs), beside a bare
  20-row DRF list served by the same server (measured before, between and after);
- sign-off throughput: ``--signoffs`` pending sign-offs prepared through the services
  (proposals put to 16 organisations), decided over the API by their 16 signatories at
  once, beside a bare one-row insert endpoint hit the same number of times;
- audit append cost: a one-row insert transaction with and without ``audit_record``;
- ``manage.py verify_audit`` events/s, and ``manage.py export_audit`` peak RSS.

Not a test: prints figures (and writes them as JSON with ``--json``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")

PAGES = [
    "/inbox/",
    "/public/",
    "/risks/",
    "/decisions/",
    "/audit/",
    "/funds/",
    "/meetings/",
    "/api/v1/proposals/",
    "/api/v1/decisions/",
    "/api/v1/allocations/",
    "/api/v1/risks/",
    "/api/v1/signoffs/",
    "/api/v1/funds/",
]
FLOOR = "/bench/floor/"


def setup_django() -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.scale_settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (e.g. from .ci/pg.sh's pg_start).")
    import django

    django.setup()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# ---------------------------------------------------------------- the server
class Server:
    def __init__(self, port: int, workers: int = 2):
        self.port = port
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.scale_settings"}
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "--chdir",
                str(ROOT),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "300",
                "--log-level",
                "warning",
                "governance.wsgi:application",
            ],
            env=env,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _, _ = request(port, "GET", "/health/", {})
                if status < 500:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def request(port: int, method: str, path: str, headers: dict, body: bytes | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, response.getheader("X-Queries"), data
    finally:
        conn.close()


def spread(jobs: list[tuple], clients: int) -> list[list[tuple]]:
    return [jobs[i::clients] for i in range(clients)]


def load(port: int, groups: list[list[tuple]]) -> dict:
    """Run the jobs ((method, path, headers, body)) of ``groups[i]`` on thread i, all
    threads released together; latency percentiles, throughput, statuses, queries."""
    chunks = groups
    latencies, statuses, queries, sizes = [], {}, [], []
    lock = threading.Lock()
    barrier = threading.Barrier(len(chunks) + 1)

    def run(chunk):
        barrier.wait()
        for method, path, headers, body in chunk:
            started = time.perf_counter()
            status, count, data = request(port, method, path, headers, body)
            took = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1
                sizes.append(len(data))
                if count is not None:
                    queries.append(int(count))

    threads = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    return {
        "n": len(latencies),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "rps": len(latencies) / seconds,
        "statuses": statuses,
        "queries": (min(queries), max(queries)) if queries else None,
        "bytes": int(statistics.median(sizes)) if sizes else 0,
    }


# ---------------------------------------------------------------- set-up helpers
def session_cookie(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.module_loading import import_string

    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(path), "get_user")
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def token_for(user) -> str:
    from governance.tokens.services import api_token_issue

    return api_token_issue(actor=user)[1]


def ensure_bench_table() -> None:
    from django.db import connection

    from bench.scale_server import BENCH_TABLE

    with connection.cursor() as cursor:
        cursor.execute(BENCH_TABLE)


def db_sizes() -> dict:
    from budgets.models import Allocation
    from decisions.models import Proposal
    from governance.audit.models import AuditEvent
    from governance.risks.models import Risk

    return {
        "proposals": Proposal.objects.count(),
        "risks": Risk.objects.count(),
        "allocations": Allocation.objects.count(),
        "events": AuditEvent.objects.count(),
    }


# ---------------------------------------------------------------- the measurements
def bench_pages(args, cookie: str) -> dict:
    server = Server(args.port)
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    results = {"floor": []}
    try:
        for path in [FLOOR, *PAGES]:  # warm both workers
            for _ in range(4):
                request(args.port, "GET", path, headers)
        for i, path in enumerate(PAGES):
            if i % 5 == 0:
                results["floor"].append(
                    load(
                        args.port,
                        spread([("GET", FLOOR, headers, None)] * args.requests, args.clients),
                    )
                )
            results[path] = load(
                args.port, spread([("GET", path, headers, None)] * args.requests, args.clients)
            )
        results["floor"].append(
            load(args.port, spread([("GET", FLOOR, headers, None)] * args.requests, args.clients))
        )
    finally:
        server.stop()
    floor_p95 = statistics.mean(r["p95"] for r in results["floor"])
    print(f"\nPages and endpoints: {args.clients} clients, {args.requests} requests each")
    print(
        "floor (bare 20-row DRF list) p95 per run: "
        + ", ".join(f"{r['p95']:.0f}" for r in results["floor"])
        + f" ms; mean {floor_p95:.0f} ms; statuses {[r['statuses'] for r in results['floor']]}"
    )
    print(f"{'path':<24}{'p50 ms':>9}{'p95 ms':>9}{'×floor':>8}{'queries':>10}{'KiB':>7}  status")
    for path in PAGES:
        r = results[path]
        q = "-" if r["queries"] is None else f"{r['queries'][0]}–{r['queries'][1]}"
        print(
            f"{path:<24}{r['p50']:>9.0f}{r['p95']:>9.0f}{r['p95'] / floor_p95:>8.2f}"
            f"{q:>10}{r['bytes'] / 1024:>7.0f}  {r['statuses']}"
        )
    results["floor_p95"] = floor_p95
    return results


def prepare_signoffs(count: int) -> list[tuple]:
    """Proposals put to 16 organisations (one signatory each), through the services;
    returns (signoff id, signatory) pairs."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from decisions import services
    from decisions.models import DecisionType, Proposal
    from governance.organisations.models import Membership, Organisation, Role
    from governance.signoffs.models import SignOff, SignOffStatus

    User = get_user_model()
    signers = {}
    memberships = (
        Membership.objects.active()
        .filter(role=Role.SIGNATORY, user__is_superuser=False)
        .exclude(organisation__identifier="QX9")
        .order_by("organisation_id", "user_id")
    )
    busy = dict(
        Membership.objects.active().values_list("user").annotate(n=Count("pk")).filter(n__gt=1)
    )
    # signatories who declared an interest would be refused (a conflict): leave them out
    from governance.interests.models import Interest

    busy.update(dict.fromkeys(Interest.objects.values_list("person_id", flat=True), 1))
    for m in memberships:
        if m.organisation_id not in signers and m.user_id not in busy:
            signers[m.organisation_id] = m.user_id
        if len(signers) == 16:
            break
    orgs = list(Organisation.objects.filter(pk__in=signers))
    proposer = User.objects.get(username="icb.member")
    sec = User.objects.get(username="icb.secretariat")
    dtype = DecisionType.objects.get(code="commissioning")
    icb = Organisation.objects.get(identifier="QX9")
    made = []
    for i in range((count + len(orgs) - 1) // len(orgs)):
        p = services.proposal_create(
            actor=proposer,
            proposing_organisation=icb,
            title=f"Community equipment framework lot {i + 1}",
            summary="A shared framework for community equipment across the partners.",
            financial_value="150000.00",
            decision_type=dtype,
            affected_organisations=orgs,
        )
        services.proposal_submit(actor=proposer, proposal=p)
        services.proposal_review(actor=sec, proposal=p, accept=True)
        made.append(p.pk)
    pending = (
        SignOff.objects.filter(
            subject_type__model="proposal",
            subject_id__in=made,
            status=SignOffStatus.PENDING,
            blocked=False,
        )
        .order_by("subject_id", "pk")
        .values_list("pk", "organisation_id")
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=signers.values())}
    assert Proposal.objects.filter(pk__in=made, status="in_signoff").count() == len(made)
    return [(pk, users[signers[org]]) for pk, org in pending]


def bench_signoffs(args) -> dict:
    from governance.signoffs.models import SignOff

    started = time.perf_counter()
    pending = prepare_signoffs(args.signoffs)
    print(f"\nprepared {len(pending)} sign-offs in {time.perf_counter() - started:.0f} s")
    tokens = {u.pk: token_for(u) for _, u in pending}
    # one client per signatory, each deciding its own sign-offs in turn
    by_user: dict[int, list] = {}
    for pk, user in pending:
        by_user.setdefault(user.pk, []).append(pk)
    jobs_per_client = []
    for index, (user_id, ids) in enumerate(by_user.items()):
        # each signatory starts at a different proposal (not all on one at once)
        shift = index * len(ids) // max(len(by_user), 1)
        ids = ids[shift:] + ids[:shift]
        headers = {
            "Authorization": f"Token {tokens[user_id]}",
            "Content-Type": "application/json",
            "Host": "127.0.0.1",
        }
        body = b'{"outcome": "approve"}'
        jobs_per_client.append(
            [("POST", f"/api/v1/signoffs/{pk}/decide/", headers, body) for pk in ids]
        )
    any_token = next(iter(tokens.values()))
    insert_headers = {
        "Authorization": f"Token {any_token}",
        "Content-Type": "application/json",
        "Host": "127.0.0.1",
    }
    server = Server(args.port)
    try:
        for _ in range(4):
            request(args.port, "POST", "/bench/insert/", insert_headers, b'{"note": "warm"}')
        insert = ("POST", "/bench/insert/", insert_headers, b'{"note": "x"}')
        inserts = load(args.port, spread([insert] * len(pending), len(jobs_per_client)))
        signed = load(args.port, jobs_per_client)
    finally:
        server.stop()
    decided = SignOff.objects.filter(pk__in=[pk for pk, _ in pending]).exclude(status="pending")
    stuck = len(pending) - decided.count()
    ratio = signed["rps"] / inserts["rps"]
    print(
        f"sign-offs: {signed['n']} by {len(jobs_per_client)} signatories at once: "
        f"{signed['rps']:.1f}/s (p50 {signed['p50']:.0f} ms, p95 {signed['p95']:.0f} ms, "
        f"{signed['statuses']}); not decided afterwards: {stuck}"
    )
    print(
        f"bare one-row insert, same clients: {inserts['rps']:.1f}/s "
        f"(p95 {inserts['p95']:.0f} ms); ratio {ratio:.2f}×"
    )
    return {"signoffs": signed, "inserts": inserts, "ratio": ratio, "stuck": stuck}


def bench_append(args) -> dict:
    from django.db import connection, transaction

    from governance.audit.services import audit_record
    from governance.organisations.models import Organisation

    target = Organisation.objects.order_by("pk").first()

    def plain():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_row (note, created) VALUES ('plain', now())")

    def audited():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO bench_row (note, created) VALUES ('audit', now())")
            audit_record(actor=None, verb="bench.append", target=target, changes={"n": 1})

    out = {}
    for name, fn in (("plain", plain), ("audited", audited), ("plain2", plain)):
        for _ in range(50):
            fn()
        started = time.perf_counter()
        for _ in range(args.appends):
            fn()
        out[name] = (time.perf_counter() - started) * 1000 / args.appends
    base = (out["plain"] + out["plain2"]) / 2
    out["added_ms"] = out["audited"] - base
    print(
        f"\naudit append: one-row insert transaction {base:.3f} ms, with audit_record "
        f"{out['audited']:.3f} ms: +{out['added_ms']:.3f} ms per write ({args.appends} each)"
    )
    return out


def run_command(argv: list[str]) -> tuple[float, float, int, str]:
    """Run a manage.py command: (wall seconds, CPU seconds, peak RSS in KiB, output), the
    CPU and peak RSS of that child process and the children it waited for."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as output:
        child = subprocess.Popen(  # noqa: S603 - fixed arguments
            [PYTHON, str(ROOT / "manage.py"), *argv],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "governance.settings"},
        )
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0
        seconds = time.perf_counter() - started
        output.seek(0)
        text = output.read()
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, text


def bench_verify_export(args) -> dict:
    from governance.audit.models import AuditEvent

    events = AuditEvent.objects.count()
    base_s, _, base_peak, _ = run_command(["check"])
    seconds, cpu, _, out = run_command(["verify_audit"])
    rate = events / seconds
    print(
        f"\nverify_audit: {events:,} events in {seconds:.1f} s wall = {rate:,.0f} events/s "
        f"({events / max(seconds - base_s, 0.001):,.0f}/s without the {base_s:.1f} s start-up "
        f"of manage.py check); CPU {cpu:.1f} s = {events / cpu:,.0f} events per CPU-second"
    )
    print("  " + out.strip().replace("\n", "\n  "))
    path = Path(args.export_to)
    export_s, _, peak, out = run_command(["export_audit", "--output", str(path)])
    size = path.stat().st_size if path.exists() else 0
    print(
        f"export_audit: {events:,} events, {size / 2**20:.0f} MiB in {export_s:.1f} s; peak RSS "
        f"{peak / 1024:.0f} MiB (manage.py check alone: {base_peak / 1024:.0f} MiB)"
    )
    if path.exists():
        path.unlink()
    return {"events": events, "verify_s": seconds, "verify_cpu_s": cpu, "start_s": base_s,
            "verify_rate": rate, "export_s": export_s, "export_peak_kib": peak,
            "check_peak_kib": base_peak}  # fmt: skip


def compare(small: str, large: str) -> None:
    a, b = json.loads(Path(small).read_text()), json.loads(Path(large).read_text())
    print(f"p95 growth: {a['sizes']} → {b['sizes']}")
    print(f"{'path':<24}{'p95 small':>11}{'p95 large':>11}{'growth':>8}")
    for path in [*PAGES, "floor_p95"]:
        pa = a["pages"][path] if path == "floor_p95" else a["pages"][path]["p95"]
        pb = b["pages"][path] if path == "floor_p95" else b["pages"][path]["p95"]
        print(f"{path:<24}{pa:>11.0f}{pb:>11.0f}{pb / pa:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed-scale", type=float, default=1.0)
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=160)
    parser.add_argument("--user", default="northmere.signatory")
    parser.add_argument("--signoffs", type=int, default=1600)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--export-to", default="/tmp/bench-audit-export.jsonl")  # noqa: S108
    parser.add_argument("--skip", default="")
    parser.add_argument("--json")
    parser.add_argument("--compare", nargs=2)
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    skip = set(filter(None, args.skip.split(",")))
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from decisions.models import Proposal

    if "migrate" not in skip:
        call_command("migrate", verbosity=0)
    if not Proposal.objects.exists():
        started = time.perf_counter()
        call_command("seed_scale", scale=args.seed_scale)
        print(f"seed_scale --scale {args.seed_scale}: {time.perf_counter() - started:.0f} s")
    ensure_bench_table()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    sizes = db_sizes()
    print(f"PostgreSQL {version}; nproc {os.cpu_count()}; load {os.getloadavg()}; {sizes}")
    out = {"sizes": sizes, "postgres": version, "load_before": os.getloadavg()}
    parts = {
        "pages": lambda: bench_pages(args, session_cookie(args.user)),
        "append": lambda: bench_append(args),
        "verify_export": lambda: bench_verify_export(args),
        "signoffs": lambda: bench_signoffs(args),
    }
    names = {"pages": "http", "verify_export": "verify"}
    for key, run in parts.items():
        if names.get(key, key) in skip:
            continue
        out[key] = run()
        out["load_after"] = os.getloadavg()
        if args.json:  # after each part, so a later failure keeps the figures
            Path(args.json).write_text(json.dumps(out, indent=1, default=str))
    print(f"\nload average after: {out['load_after']}")


if __name__ == "__main__":
    main()
