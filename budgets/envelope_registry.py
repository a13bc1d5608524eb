"""What the system envelope registers with the core at start-up (``BudgetsConfig.ready``):

- subject types (``governance.subjects``): the envelope and its variations (signed off
  by the partners), each variance alert (an item for the finance committee until it
  has received it, or the forecast recovers) and each month (its system finance report,
  to be received by the committee once every return is in) and each proposed capital
  programme (decided by the finance committee at a meeting, entered in the register);
- its flows in /workflow/; its demo seeder (after the meetings', so the demo meetings
  stay as they are and its items wait to be tabled for the finance committee).
"""

from __future__ import annotations


def register_envelope() -> None:
    from budgets import envelope_policy, envelope_selectors, money
    from budgets.flows_envelope import EnvelopeMonthFlow, EnvelopeSignOffFlow
    from budgets.models import (
        CapitalProgramme,
        EnvelopeMonth,
        EnvelopeVariation,
        SystemEnvelope,
        VarianceAlert,
    )
    from budgets.services import capital, envelope_alerts
    from governance import subjects
    from governance.demo.registry import register_seeder
    from governance.workflow import register_flow

    subjects.register(
        subjects.SubjectType(
            model=SystemEnvelope,
            parties=envelope_policy.parties,
            label=lambda e: f"{e.reference} {e.name} {e.year_label}",
            url=lambda e: f"/envelopes/{e.pk}/",
        )
    )
    subjects.register(
        subjects.SubjectType(
            model=EnvelopeVariation,
            parties=lambda v: envelope_policy.parties(v.envelope),
            label=lambda v: (
                f"{v.reference} {v.get_kind_display()} of {v.envelope.name} {v.envelope.year_label}"
            ),
            url=lambda v: f"/envelopes/{v.envelope_id}/variations/{v.pk}/",
        )
    )
    subjects.register(
        subjects.SubjectType(
            model=VarianceAlert,
            parties=lambda a: envelope_policy.parties(a.envelope),
            label=envelope_alerts.alert_label,
            url=lambda a: f"/envelopes/{a.envelope_id}/#alerts",
            on_board_decision=envelope_alerts.alert_on_board_decision,
            awaiting_decision=envelope_selectors.open_alerts_awaiting_committee,
        )
    )
    subjects.register(
        subjects.SubjectType(
            model=EnvelopeMonth,
            parties=lambda m: envelope_policy.parties(m.envelope),
            label=lambda m: (
                f"System finance report M{m.month} {m.envelope.year_label} ({m.envelope.name})"
            ),
            url=lambda m: f"/envelopes/{m.envelope_id}/report/{m.month}/",
            on_board_decision=envelope_alerts.month_on_board_decision,
            awaiting_decision=envelope_selectors.months_awaiting_committee,
        )
    )
    subjects.register(
        subjects.SubjectType(
            model=CapitalProgramme,
            parties=lambda p: envelope_policy.parties(p.envelope),
            label=lambda p: (
                f"{p.reference} Capital programme {p.envelope.year_label}: "
                f"{money.gbp(p.total)} within a capital envelope of "
                f"{money.gbp(p.envelope.capital_total)}"
            ),
            url=lambda p: f"/envelopes/{p.envelope_id}/capital/",
            on_board_decision=subjects.decided_at_meeting(
                capital.programme_decide_at_meeting, "programme"
            ),
            awaiting_decision=envelope_selectors.programmes_awaiting_committee,
            deciding_committee=lambda p: envelope_policy.finance_committee_of(p.envelope),
            register_facts=capital.programme_register_facts,
        )
    )
    register_flow(EnvelopeSignOffFlow, icon="request_quote")
    register_flow(EnvelopeMonthFlow, icon="calendar_month")
    from budgets.demo_envelope import seed_envelope

    register_seeder("envelope", seed_envelope, order=70)
