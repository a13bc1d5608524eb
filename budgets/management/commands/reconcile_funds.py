"""Check every fund's derived position against its ledger entries; exit non-zero on
any mismatch (see budgets.reconcile for what is checked)."""

from django.core.management.base import BaseCommand, CommandError

from budgets import balances
from budgets.models import PooledFund
from budgets.money import gbp
from budgets.reconcile import reconcile_fund


class Command(BaseCommand):
    help = "Reconcile every pooled fund's derived position with its ledger entries."

    def add_arguments(self, parser):
        parser.add_argument("--fund", help="Only this fund (its reference, e.g. FUND-2026-0001).")

    def handle(self, *args, **options):
        funds = PooledFund.objects.order_by("reference")
        if options.get("fund"):
            funds = funds.filter(reference=options["fund"])
            if not funds.exists():
                raise CommandError(f"No fund {options['fund']}.")
        failed = 0
        for fund in funds:
            problems = reconcile_fund(fund)
            p = balances.fund_position(fund)
            if problems:
                failed += 1
                self.stdout.write(self.style.ERROR(f"{fund.reference} {fund.name}: MISMATCH"))
                for problem in problems:
                    self.stdout.write(f"  - {problem}")
            else:
                self.stdout.write(
                    f"{fund.reference} {fund.name}: reconciles (contributed "
                    f"{gbp(p.contributed)}, committed {gbp(p.committed)}, spent {gbp(p.spent)}, "
                    f"uncommitted {gbp(p.uncommitted)})"
                )
        if failed:
            raise CommandError(f"{failed} fund(s) do not reconcile.")
        self.stdout.write(self.style.SUCCESS(f"All {funds.count()} fund(s) reconcile."))
