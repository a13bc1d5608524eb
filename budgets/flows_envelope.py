"""The flows of the system envelope (viewflow 2), built from the shared machinery.

Agreement of the envelope, or of a variation, one process per round::

    start ─► split (one task per partner) ─► sign_off × N ─► join (stops once settled)
          ─► conclude (agreed: lock / apply; refused: back to draft / not agreed) ─► end

A month's returns, one process per envelope month::

    start ─► split (one task per partner) ─► submit_return × N ─► join ─► end

``ReturnTask`` is the partner's task (it shows in the shared inbox of the partner's
finance leads: its signatories and secretariat); it is completed by
``budgets.services.envelope_returns.return_submit`` (web form, CSV or API), never in
viewflow's own pages. Every step is a service; the nodes only orchestrate.
"""

from __future__ import annotations

from viewflow import this
from viewflow.utils import is_owner
from viewflow.workflow import flow
from viewflow.workflow.flow import nodes

from budgets import envelope_policy
from governance.signoffs.nodes import (
    SignOffTask,
    SplitEach,
    decided_early,
    organisations_of_round,
    task_organisation,
)
from governance.workflow import ReadOnlyFlowMixin, open_subject_page, process_lock


def _concluded(activation):
    from budgets.services.envelope import envelope_signoff_concluded

    envelope_signoff_concluded(activation)


class ReturnTask(nodes.View):
    """A partner's monthly return: only the partner's finance leads may take it."""

    def __init__(self, view=open_subject_page, **kwargs):
        super().__init__(view, **kwargs)

    def can_assign(self, user, task):
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        return envelope_policy.is_finance_lead(user, task_organisation(task))

    def assignable(self, user):
        """``can_assign`` for a list of tasks (see governance.signoffs.inbox): the open
        returns of the organisations ``user`` is a finance lead of."""
        from django.db.models import Q

        organisations = sorted(envelope_policy.finance_lead_organisations(user))
        return Q(owner__isnull=True, data__organisation__in=organisations)

    def can_execute(self, user, task):
        return is_owner(task.owner, user) and envelope_policy.is_finance_lead(
            user, task_organisation(task)
        )


class EnvelopeSignOffFlow(ReadOnlyFlowMixin, flow.Flow):
    lock_impl = process_lock
    process_title = "System envelope sign-off"

    start = flow.StartHandle(this.start_round).Next(this.split)
    split = SplitEach().Next(this.sign_off, data_source=organisations_of_round)
    sign_off = SignOffTask().Next(this.join)
    join = flow.Join(continue_on_condition=decided_early).Next(this.conclude)
    conclude = flow.Function(_concluded).Next(this.end)
    end = flow.End()

    def start_round(self, activation, subject, data):
        activation.process.artifact = subject
        activation.process.data = data
        return activation.process


class EnvelopeMonthFlow(ReadOnlyFlowMixin, flow.Flow):
    lock_impl = process_lock
    process_title = "System envelope monthly returns"

    start = flow.StartHandle(this.start_month).Next(this.split)
    split = SplitEach().Next(this.submit_return, data_source=organisations_of_round)
    submit_return = (
        ReturnTask()
        .Annotation(title="Submit the monthly return (year-to-date actuals, forecast outturn)")
        .Next(this.join)
    )
    join = flow.Join().Next(this.end)
    end = flow.End()

    def start_month(self, activation, month, organisations):
        activation.process.artifact = month
        activation.process.data = {"month": month.pk, "organisations": organisations}
        return activation.process
