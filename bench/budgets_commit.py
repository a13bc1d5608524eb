"""Benchmark: pooled-fund allocations (commit throughput, flow latency, derived
balances, reconciliation and the PDF report).

    .venv/bin/python bench/budgets_commit.py [--allocations 60] [--threads 8]
                                             [--entries 20000]

Uses a throwaway database (SQLite in a temporary directory unless DATABASE_URL is
set; the concurrent parts need PostgreSQL). Every allocation goes through the services
and the flows; the extra ledger entries for the balance timings are bulk-inserted (a
benchmark fixture, never app behaviour) as matching commitments and spends.

Reports:
- the whole flow per allocation (raise, pool manager review, three partner sign-offs,
  commit), one after another;
- commits per second when the last partner's sign-offs arrive one at a time, and all
  at once from ``--threads`` threads (each commit locks the fund and the scheme line);
- the commit service alone, sequential and concurrent;
- fund position (aggregate query), the per-partner report, reconcile and the PDF, as
  the ledger grows.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="budgets-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from governance.demo.core import seed_core

    seed_core()


def best_ms(fn, repeat=5):
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best, result


def in_threads(jobs, threads):
    """Run the jobs on ``threads`` threads (released together); seconds taken."""
    from django.db import connection

    chunks = [jobs[i::threads] for i in range(threads)]
    barrier = threading.Barrier(len(chunks) + 1)
    errors = []

    def run(chunk):
        try:
            barrier.wait()
            for job in chunk:
                job()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for w in workers:
        w.start()
    barrier.wait()
    started = time.perf_counter()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--allocations", type=int, default=60)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--entries", type=int, default=20000)
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from budgets import balances, services
    from budgets.models import Allocation, AllocationStatus, EntryKind, LedgerEntry
    from budgets.reconcile import reconcile_fund
    from budgets.reports.pdf import render_report
    from budgets.reports.position import fund_report
    from governance.organisations.models import Organisation
    from governance.signoffs.models import SignOff, SignOffStatus
    from governance.signoffs.services import signoff_decide

    users = {u.username: u for u in get_user_model().objects.all()}
    org = {o.identifier: o for o in Organisation.objects.all()}
    signers = {
        "QX9": users["icb.signatory"],
        "E08000901": users["northmere.signatory2"],
        "RZ2": users["mh.signatory"],
    }
    concurrent = connection.vendor == "postgresql"
    print(
        f"database: {connection.vendor}; allocations {args.allocations}; "
        f"threads {args.threads if concurrent else 1}"
    )

    def new_fund(name, total="1000000000.00"):
        sec = users["icb.secretariat"]
        fund = services.fund_create(
            actor=sec,
            name=name,
            agreement_reference="BENCH",
            host_organisation=org["E08000901"],
            pool_manager=users["icb.member"],
            financial_year=2026,
        )
        services.scheme_line_add(actor=sec, fund=fund, code="S1", name="All", budget=total)
        third = (Decimal(total) / 3).quantize(Decimal("0.01"))
        for ident, amount in (
            ("QX9", third),
            ("E08000901", third),
            ("RZ2", Decimal(total) - 2 * third),
        ):
            services.contribution_set(actor=sec, fund=fund, organisation=org[ident], amount=amount)
        services.fund_activate(actor=sec, fund=fund)
        return fund

    def raise_and_accept(fund, amount="1000.00"):
        a = services.allocation_create(
            actor=users["northmere.secretariat"],
            fund=fund,
            scheme_line=fund.lines.get(),
            recipient=org["RZ1"],
            amount=amount,
            purpose="Benchmark",
        )
        return services.allocation_review(actor=users["icb.member"], allocation=a, accept=True)

    def sign(a, ident):
        s = SignOff.objects.get(
            subject_type__model="allocation",
            subject_id=a.pk,
            organisation=org[ident],
            status=SignOffStatus.PENDING,
        )
        signoff_decide(actor=signers[ident], signoff=s, outcome="approve")

    n = args.allocations
    # 1. the whole flow, one allocation after another
    fund = new_fund("Flow latency")
    started = time.perf_counter()
    for _ in range(n):
        a = raise_and_accept(fund)
        for ident in ("QX9", "E08000901", "RZ2"):
            sign(a, ident)
    took = time.perf_counter() - started
    assert Allocation.objects.filter(fund=fund, status=AllocationStatus.COMMITTED).count() == n
    print(
        f"whole flow (raise, review, 3 sign-offs, commit): {took / n * 1000:.1f} ms "
        f"per allocation ({n / took:.1f}/s)"
    )

    # 2. the last sign-off (which commits), sequential and concurrent
    for label, threads in (("one at a time", 1), ("all at once", args.threads)):
        if threads > 1 and not concurrent:
            continue
        fund = new_fund(f"Final sign-off {label}")
        ready = []
        for _ in range(n):
            a = raise_and_accept(fund)
            sign(a, "QX9")
            sign(a, "E08000901")
            ready.append(a)
        seconds = in_threads([lambda a=a: sign(a, "RZ2") for a in ready], threads)
        done = Allocation.objects.filter(fund=fund, status=AllocationStatus.COMMITTED).count()
        assert done == n and reconcile_fund(fund) == []
        print(
            f"final sign-off + commit, {label} ({threads} thread(s)): "
            f"{n / seconds:.1f} commits/s, {seconds / n * 1000:.1f} ms each"
        )

    # 3. the commit service alone, twice as many requests as the fund holds
    for label, threads in (("one at a time", 1), ("all at once", args.threads)):
        if threads > 1 and not concurrent:
            continue
        fund = new_fund(f"Commit {label}", total=f"{n // 2 * 1000}.00")
        ready = [raise_and_accept(fund) for _ in range(n)]
        # benchmark fixture: the sign-offs marked given, so only the commit is timed
        SignOff.objects.filter(
            subject_type__model="allocation", subject_id__in=[a.pk for a in ready]
        ).update(status=SignOffStatus.APPROVED, signatory=signers["QX9"], decided_at=timezone.now())
        jobs = [lambda a=a: services.allocation_commit(actor=None, allocation=a) for a in ready]
        seconds = in_threads(jobs, threads)
        statuses = list(Allocation.objects.filter(fund=fund).values_list("status", flat=True))
        assert statuses.count(AllocationStatus.COMMITTED) == n // 2, statuses
        assert balances.fund_position(fund).uncommitted == 0 and reconcile_fund(fund) == []
        print(
            f"allocation_commit alone, {label} ({threads} thread(s)), {n} requests for "
            f"twice what the fund holds: {n / seconds:.1f} commits/s; exactly "
            f"{n // 2} committed"
        )

    # 4. balances as the ledger grows
    fund = Allocation.objects.filter(status=AllocationStatus.COMMITTED).first().fund
    allocations = list(Allocation.objects.filter(fund=fund, status=AllocationStatus.COMMITTED))
    rows = []
    for i in range(args.entries):
        a = allocations[i % len(allocations)]
        rows.append(
            LedgerEntry(
                fund=fund,
                kind=EntryKind.SPEND,
                amount=Decimal("0.01"),
                allocation=a,
                scheme_line_id=a.scheme_line_id,
                reference=f"BENCH-{i}",
            )
        )
    LedgerEntry.objects.bulk_create(rows, batch_size=2000)
    entries = LedgerEntry.objects.filter(fund=fund).count()
    pos_ms, _ = best_ms(lambda: balances.fund_position(fund))
    rep_ms, report = best_ms(lambda: fund_report(fund))
    rec_ms, problems = best_ms(lambda: reconcile_fund(fund), repeat=3)
    assert problems == [], problems[:3]
    print(
        f"ledger of {entries} entries: fund_position {pos_ms:.1f} ms, per-partner report "
        f"{rep_ms:.1f} ms, reconcile {rec_ms:.0f} ms"
    )
    pdf_ms, rendered = best_ms(lambda: render_report(report), repeat=3)
    print(
        f"PDF report ({len(report.allocations)} allocations): {pdf_ms:.0f} ms, "
        f"{len(rendered.pdf) // 1024} KiB"
    )


if __name__ == "__main__":
    main()
