"""viewflow nodes for parallel sign-off, one task per organisation.

viewflow's free ``Split`` has no per-item data source, so ``SplitEach`` adds one: it
queues one task per item, each with the item in ``task.data``. ``SignOffTask`` is a
human task that only an authorised signatory of ``task.data["organisation"]`` may take;
creating it writes the matching ``SignOff`` record and tells the signatories.
"""

from __future__ import annotations

from django.utils import timezone
from viewflow.utils import is_owner
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.flow import nodes
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.view import ViewActivation

from governance import permissions
from governance.organisations.models import Organisation
from governance.signoffs import models, notifications


class SplitEachActivation(SplitActivation):
    @Activation.status.super()
    def activate(self):
        for node, cond, data_source in self.flow_task._branches:
            if cond and not cond(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, item) for item in data_source(self))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class SplitEach(nodes.Split):
    """Parallel split that can start one task per item of a data source."""

    activation_class = SplitEachActivation

    def Next(self, node, case=None, data_source=None):
        self._activate_next.append((node, case, data_source))
        return self


def review_accepted(activation) -> bool:
    """Gateway condition: the review step recorded ``process.data["accepted"]``."""
    return bool(activation.process.data.get("accepted"))


def has_signing_organisations(activation) -> bool:
    """Gateway condition: the round names at least one organisation to sign off."""
    return bool(activation.process.data.get("organisations"))


def organisations_of_round(activation) -> list[dict]:
    """Data source: the organisations listed in ``process.data["organisations"]``."""
    return [{"organisation": pk} for pk in activation.process.data["organisations"]]


def task_organisation(task) -> Organisation | None:
    """The organisation a sign-off task is for; None for a task of another node (a
    hand-made workflow URL can pair any task with this node's views)."""
    pk = (task.data or {}).get("organisation")
    return Organisation.objects.filter(pk=pk).first() if pk else None


class SignOffTaskActivation(ViewActivation):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        activation = super().create(flow_task, prev_activation, token, data=data, seed=seed)
        task, process = activation.task, activation.process
        from governance.signoffs.deadlines import default_due_on

        signoff = models.SignOff.objects.create(
            subject_type_id=process.artifact_content_type_id,
            subject_id=process.artifact_object_id,
            round=process.data["round"],
            organisation_id=task.data["organisation"],
            task=task,
            due_on=default_due_on(process.artifact, timezone.localdate()),
        )
        from governance.signoffs.services import refresh_blocked

        refresh_blocked(signoff)
        notifications.signoff_requested(signoff)
        return activation

    @Activation.status.super()
    def cancel(self):
        super().cancel.original()
        models.SignOff.objects.filter(task=self.task, status=models.SignOffStatus.PENDING).update(
            status=models.SignOffStatus.CANCELLED,
            decided_at=timezone.now(),
            cancel_reason=self.task.data.get("cancel_reason")
            or "Not needed: the outcome was already decided.",
        )


class SignOffTask(nodes.View):
    """One organisation's sign-off: only its authorised signatories may act."""

    activation_class = SignOffTaskActivation

    def __init__(self, view=None, **kwargs):
        from governance.workflow import open_subject_page

        super().__init__(view or open_subject_page, **kwargs)

    def can_assign(self, user, task):
        if task.owner_id or user is None or user.is_anonymous:
            return False
        organisation = task_organisation(task)
        return organisation is not None and permissions.can_sign_for(user, organisation)

    def can_execute(self, user, task):
        organisation = task_organisation(task)
        return (
            organisation is not None
            and is_owner(task.owner, user)
            and permissions.can_sign_for(user, organisation)
        )


def decided_early(activation, active_tasks) -> bool:
    """Join condition: stop waiting once the round's outcome can no longer change."""
    from governance.signoffs.rules import Outcome, outcome

    statuses = models.SignOff.objects.filter(
        subject_type_id=activation.process.artifact_content_type_id,
        subject_id=activation.process.artifact_object_id,
        round=activation.process.data["round"],
    ).values_list("status", flat=True)
    return outcome(activation.process.data["rule"], statuses) != Outcome.PENDING
