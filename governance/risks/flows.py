"""The partner sign-off flow of shared risks (viewflow 2), one process per round::

    start ─► split per sharing partner ─► sign_off × N (in parallel)
          ─► join (stops early once settled) ─► conclude ─► end

``process.data["purpose"]`` says what the partners sign off: accepting the risk onto
their registers ("register"), or agreeing to close ("close") or tolerate ("tolerate")
it. The nodes come from the shared machinery (governance.signoffs); ``conclude`` calls
``services.risk_signoff_concluded``, which acts on the outcome.
"""

from __future__ import annotations

from viewflow import this
from viewflow.workflow import flow

from governance.risks.services import rounds
from governance.signoffs.nodes import SignOffTask, SplitEach, decided_early, organisations_of_round
from governance.workflow import ReadOnlyFlowMixin, process_lock


class RiskSignOffFlow(ReadOnlyFlowMixin, flow.Flow):
    lock_impl = process_lock
    process_title = "Shared risk sign-off"

    start = flow.StartHandle(this.start_round).Next(this.split)
    split = SplitEach().Next(this.sign_off, data_source=organisations_of_round)
    sign_off = SignOffTask().Next(this.join)
    join = flow.Join(continue_on_condition=decided_early).Next(this.conclude)
    conclude = flow.Function(rounds.risk_signoff_concluded).Next(this.end)
    end = flow.End()

    def start_round(self, activation, risk, data):
        activation.process.artifact = risk
        activation.process.data = data
        return activation.process
