"""The flows of pooled budgets (viewflow 2), built from the shared sign-off machinery.

Allocation, one process per submission::

    start ─► review (pool manager) ─► accepted? ─no─► returned (end)
                                         │yes
                                  any partner to ask? ─no──────────────┐
                                         │yes                          │
                                  split per contributing partner       │
                                  sign_off × N (in parallel)           │
                                  join (stops early once settled)      │
                                         ▼                             │
                                  conclude ─► approved? ─no─► rejected (end)
                                                 │yes                  │
                                                 ▼                     ▼
                                               commit ◄────────────────┘ ─► end

Contribution change (after the fund is active), one process per request::

    start ─► split (partner, host) ─► sign_off × 2 ─► join ─► conclude ─► end

Every step is carried out by a service in ``budgets.services``; the nodes only
orchestrate. ``PoolManagerTask`` is the one human task only the fund's pool manager
may take.
"""

from __future__ import annotations

from viewflow import this
from viewflow.utils import is_owner
from viewflow.workflow import flow
from viewflow.workflow.flow import nodes

from budgets import services
from governance.signoffs.nodes import (
    SignOffTask,
    SplitEach,
    decided_early,
    has_signing_organisations,
    organisations_of_round,
    review_accepted,
)
from governance.workflow import ReadOnlyFlowMixin, open_subject_page, process_lock


def _pool_manager_id(task) -> int | None:
    from budgets.models import Allocation

    return (
        Allocation.objects.filter(pk=task.process.artifact_object_id)
        .values_list("fund__pool_manager_id", flat=True)
        .first()
    )


class PoolManagerTask(nodes.View):
    """A human task only the fund's pool manager may take (reviewing an allocation)."""

    def __init__(self, view=open_subject_page, **kwargs):
        super().__init__(view, **kwargs)

    def can_assign(self, user, task):
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        return user.pk == _pool_manager_id(task)

    def can_execute(self, user, task):
        return is_owner(task.owner, user) and user.pk == _pool_manager_id(task)

    def assignable(self, user):
        """``can_assign`` for a list of tasks, as one filter (see governance.signoffs.inbox):
        the open reviews of allocations from funds ``user`` manages."""
        from django.db.models import Q

        from budgets.models import Allocation

        if not getattr(user, "is_authenticated", False):
            return Q(pk__in=[])
        managed = Allocation.objects.filter(fund__pool_manager_id=user.pk).values("pk")
        return Q(owner__isnull=True, process__artifact_object_id__in=managed)


class AllocationFlow(ReadOnlyFlowMixin, flow.Flow):
    lock_impl = process_lock
    process_title = "Pooled fund allocation"

    start = flow.StartHandle(this.start_submission).Next(this.review)
    review = PoolManagerTask().Next(this.review_outcome)
    review_outcome = flow.If(review_accepted).Then(this.needs_signoff).Else(this.returned)
    returned = flow.End()
    needs_signoff = flow.If(has_signing_organisations).Then(this.split).Else(this.commit)
    split = SplitEach().Next(this.sign_off, data_source=organisations_of_round)
    sign_off = SignOffTask().Next(this.join)
    join = flow.Join(continue_on_condition=decided_early).Next(this.conclude)
    conclude = flow.Function(services.allocation_signoff_concluded).Next(this.approved)
    approved = (
        flow.If(lambda activation: activation.process.data.get("approved"))
        .Then(this.commit)
        .Else(this.rejected)
    )
    rejected = flow.End()
    commit = flow.Function(services.allocation_commit_step).Next(this.end)
    end = flow.End()

    def start_submission(self, activation, allocation):
        activation.process.artifact = allocation
        activation.process.data = {"allocation": allocation.pk}
        return activation.process


class ContributionChangeFlow(ReadOnlyFlowMixin, flow.Flow):
    lock_impl = process_lock
    process_title = "Pooled fund contribution change"

    start = flow.StartHandle(this.start_round).Next(this.split)
    split = SplitEach().Next(this.sign_off, data_source=organisations_of_round)
    sign_off = SignOffTask().Next(this.join)
    join = flow.Join(continue_on_condition=decided_early).Next(this.conclude)
    conclude = flow.Function(services.contribution_change_concluded).Next(this.end)
    end = flow.End()

    def start_round(self, activation, change, data):
        activation.process.artifact = change
        activation.process.data = data
        return activation.process
