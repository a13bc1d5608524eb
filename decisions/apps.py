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
                on_board_decision=subjects.decided_at_meeting(_decide_at_meeting, "proposal"),
                on_body_decisions=_on_body_decisions,
                awaiting_decision=_awaiting_decision,
                is_confidential=lambda p: p.is_confidential,
                deciding_committee=_deciding_committee,
                signoff_days=lambda p: p.decision_type.signoff_days,
            )
        )
        from decisions.services.register import delegated_committee, subject_decision_enter

        subjects.connect_decisions(
            delegated_committee=delegated_committee, enter=subject_decision_enter
        )
        from decisions.flows import DecisionFlow
        from governance.workflow import register_flow

        register_flow(DecisionFlow, icon="gavel")
        from decisions.selectors import chairs_actions_for_report
        from governance.meetings.reports import register_report_source

        register_report_source(chairs_actions_for_report)
        from decisions.demo import seed_decisions
        from governance.demo.registry import register_seeder

        register_seeder("decisions", seed_decisions, order=65)
        from decisions.opendata import register_dataset
        from decisions.search import register_kinds

        register_kinds()
        register_dataset()


def _on_body_decisions(
    proposal, *, actor, outcomes, notes="", decided_on=None, decided_by="", item=None
):
    """Committees in common split on the proposal (some bodies approved, some not)."""
    from decisions.services import proposal_decide_in_common

    return proposal_decide_in_common(
        actor=actor,
        proposal=proposal,
        outcomes=outcomes,
        item=item,
        notes=notes,
        decided_on=decided_on,
    )


def _deciding_committee(proposal):
    band = proposal.sord_band
    return band.committee if band is not None and band.committee_id else None


def _awaiting_decision():
    from decisions.models import DecidedBy, Proposal, ProposalStatus

    return Proposal.objects.filter(status=ProposalStatus.READY_FOR_DECISION).exclude(
        sord_band__decided_by=DecidedBy.OFFICER
    )


def _decide_at_meeting(**kwargs):
    from decisions.services import proposal_decide_at_meeting

    return proposal_decide_at_meeting(**kwargs)
