from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Shared decisions"

    def ready(self):
        from decisions import policy
        from decisions.models import Proposal
        from governance import subjects

        subjects.register(
            subjects.SubjectType(
                model=Proposal,
                parties=policy.conflict_organisations,
                label=lambda p: f"{p.reference} {p.title}",
                url=lambda p: f"/proposals/{p.pk}/",
                on_board_decision=_on_board_decision,
                awaiting_decision=_awaiting_decision,
                is_confidential=lambda p: p.is_confidential,
            )
        )
        from decisions.flows import DecisionFlow
        from governance.workflow import register_flow

        register_flow(DecisionFlow, icon="gavel")
        from decisions.demo import seed_decisions
        from governance.demo.registry import register_seeder

        register_seeder("decisions", seed_decisions, order=20)


def _on_board_decision(
    proposal, *, actor, outcome, notes="", decided_on=None, decided_by="", item=None
):
    from decisions.services import proposal_record_decision

    return proposal_record_decision(
        actor=actor,
        proposal=proposal,
        outcome=outcome,
        notes=notes,
        decided_on=decided_on,
        decided_by=decided_by,
    )


def _awaiting_decision():
    from decisions.models import Proposal, ProposalStatus

    return Proposal.objects.filter(status=ProposalStatus.READY_FOR_DECISION)
