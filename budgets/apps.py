from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = "Pooled budgets"

    def ready(self):
        from budgets import place_registry, policy
        from budgets.models import Allocation, ContributionChange
        from budgets.money import gbp
        from governance import subjects

        subjects.register(
            subjects.SubjectType(
                model=Allocation,
                parties=policy.allocation_parties,
                parties_prefetch=policy.parties_prefetch("fund"),
                label=lambda a: (
                    f"{a.reference} {gbp(a.amount)} from {a.fund.name} to {a.recipient.name}"
                ),
                url=lambda a: f"/allocations/{a.pk}/",
                **place_registry.allocation_hooks(),
            )
        )
        subjects.register(
            subjects.SubjectType(
                model=ContributionChange,
                parties=policy.change_parties,
                parties_prefetch=policy.parties_prefetch("contribution__fund"),
                label=lambda c: (
                    f"{c.reference} {c.contribution.organisation.name}'s "
                    f"contribution to {c.contribution.fund.name}: {gbp(c.amount_before)} to "
                    f"{gbp(c.new_amount)}"
                ),
                url=lambda c: f"/contribution-changes/{c.pk}/",
            )
        )
        from budgets.flows import AllocationFlow, ContributionChangeFlow
        from governance.workflow import register_flow

        register_flow(AllocationFlow, icon="savings")
        register_flow(ContributionChangeFlow, icon="account_balance")
        from budgets.envelope_registry import register_envelope

        register_envelope()
        from budgets.demo import seed_budgets
        from governance.demo.registry import register_seeder

        register_seeder("budgets", seed_budgets, order=30)
        from budgets.demo_place import seed_place_funds

        # after the place partnerships (61) and the SoRD that delegates to them (65)
        register_seeder("place-funds", seed_place_funds, order=67)
        from budgets.audit_sentences import register_sentences

        register_sentences()
        from budgets.report_jobs import register as register_report_jobs

        register_report_jobs()
