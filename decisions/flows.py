"""The decision flow (viewflow 2).

One process per submission round::

    start ─► review (secretariat) ─► accepted? ─no─► returned (end)
                                        │yes
    restart ─────────────────────► needs sign-off? ─no─────────────┐
                                        │yes                       │
                                  split per organisation           │
                                  sign_off × N (in parallel)       │
                                  join (stops early once settled)  │
                                        ▼                          ▼
                                   conclude (rule → outcome) ◄─────┘
                                        ▼
               officer band? ─► officer_decision (post holders or deputies) ─► end
               committee/board band? ─► board_decision (meeting item or chair's
                                        action of that committee) ──────────► end
               rejected at sign-off ──────────────────────────────────────────► end

Every step is carried out by a service in ``decisions.services``; the nodes only
orchestrate. A returned proposal is revised and resubmitted as a new process; editing
the substance during sign-off cancels the process and starts ``restart``.
"""

from __future__ import annotations

from viewflow import this
from viewflow.workflow import flow

from decisions import services
from decisions.nodes import CommitteeDecisionTask, OfficerDecisionTask
from governance.signoffs.nodes import (
    SignOffTask,
    SplitEach,
    decided_early,
    has_signing_organisations,
    organisations_of_round,
    review_accepted,
)
from governance.workflow import ReadOnlyFlowMixin, SecretariatTask, process_lock


class DecisionFlow(ReadOnlyFlowMixin, flow.Flow):
    lock_impl = process_lock
    process_title = "Shared decision"

    start = flow.StartHandle(this.start_submission).Next(this.review)
    restart = flow.StartHandle(this.start_restart).Next(this.needs_signoff)

    review = SecretariatTask().Next(this.review_outcome)
    review_outcome = flow.If(review_accepted).Then(this.needs_signoff).Else(this.returned)
    returned = flow.End()

    needs_signoff = flow.If(has_signing_organisations).Then(this.split).Else(this.conclude)
    split = SplitEach().Next(this.sign_off, data_source=organisations_of_round)
    sign_off = SignOffTask().Next(this.join)
    join = flow.Join(continue_on_condition=decided_early).Next(this.conclude)
    conclude = flow.Function(services.signoff_round_concluded).Next(this.to_board)
    to_board = (
        flow.Switch()
        .Case(this.board_decision, lambda activation: activation.process.data.get("awaiting_board"))
        .Case(
            this.officer_decision,
            lambda activation: activation.process.data.get("awaiting_officer"),
        )
        .Default(this.end)
    )
    # completed only by decisions.services: at the committee's meeting or by chair's action
    board_decision = CommitteeDecisionTask().Next(this.end)
    officer_decision = OfficerDecisionTask().Next(this.end)
    end = flow.End()

    def start_submission(self, activation, proposal):
        activation.process.artifact = proposal
        activation.process.data = {"proposal": proposal.pk}
        return activation.process

    def start_restart(self, activation, proposal, data):
        activation.process.artifact = proposal
        activation.process.data = {**data, "accepted": True}
        return activation.process
