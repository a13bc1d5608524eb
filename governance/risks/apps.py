from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "governance.risks"
    label = "risks"
    verbose_name = "Risk register and Board Assurance Framework"

    def ready(self):
        from governance import subjects
        from governance.demo.registry import register_seeder
        from governance.risks import policy, selectors
        from governance.risks.demo import seed_risks
        from governance.risks.models import Risk
        from governance.risks.services.escalation import on_board_decision

        subjects.register(
            subjects.SubjectType(
                model=Risk,
                parties=policy.parties,
                label=lambda r: f"{r.reference} {r.title}",
                url=lambda r: f"/risks/{r.pk}/",
                on_board_decision=on_board_decision,
                awaiting_decision=selectors.awaiting_board,
                is_confidential=lambda r: r.is_confidential,
            )
        )
        register_seeder("risks", seed_risks, order=40)

        from governance.risks.flows import RiskSignOffFlow
        from governance.workflow import register_flow

        register_flow(RiskSignOffFlow, icon="report_problem")
        from governance.risks.audit_sentences import register_sentences

        register_sentences()
        from governance.risks.report_jobs import register as register_report_jobs

        register_report_jobs()
