"""Small helpers around viewflow shared by every flow in the project.

- ``process_lock``: every flow locks its process row with SELECT … FOR UPDATE while a
  step runs (viewflow's default is no lock at all, which lets two simultaneous final
  sign-offs leave a Join stuck). It waits for the lock rather than failing at once
  (``nowait=False``), so 30 partners signing in the same second simply queue.
- ``SecretariatTask``: a human task only the ICB secretariat may take.
- ``run_human_task``: take and complete a human task from a service, in one step.
- ``register_flow`` / ``workflow_site``: viewflow's frontend at /workflow/ (process lists,
  BPMN charts, task history) for the ICB secretariat and auditors, who may see every
  process; its lists are not scoped by object permissions, so nobody else is let in, and
  its task pages send people to the subject's own page, where services do the work.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from viewflow.utils import is_owner
from viewflow.workflow import lock
from viewflow.workflow.flow import nodes
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from governance import permissions

process_lock = lock.SelectForUpdateLock(nowait=False)

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def open_subject_page(request, **kwargs):
    """Task view for viewflow's frontend: tasks are completed on the subject's own page,
    through its services (so every step is validated and audited), never here."""
    from django.shortcuts import redirect

    from governance import subjects

    task = Task.objects.select_related("process").get(pk=kwargs["task_pk"])
    subject = task.process.artifact
    return redirect(subjects.for_model(subject).url(subject) or "/")


class SecretariatTask(nodes.View):
    """A human task for the ICB secretariat (review, recording a board decision)."""

    def __init__(self, view=open_subject_page, **kwargs):
        super().__init__(view, **kwargs)

    def can_assign(self, user, task):
        return not task.owner_id and permissions.is_system_secretariat(user)

    def assignable(self, user):
        """``can_assign`` for a list of tasks (see governance.signoffs.inbox)."""
        from django.db.models import Q

        return Q(owner__isnull=True) if permissions.is_system_secretariat(user) else Q(pk__in=[])

    def can_execute(self, user, task):
        return is_owner(task.owner, user) and permissions.is_system_secretariat(user)


def active_process(subject, flow_class) -> Process | None:
    """The subject's running process of ``flow_class``, if any."""
    return (
        Process.objects.filter(
            flow_class=flow_class,
            artifact_content_type=ContentType.objects.get_for_model(subject),
            artifact_object_id=subject.pk,
        )
        .exclude(status__in=[PROCESS.DONE, PROCESS.CANCELED])
        .order_by("-pk")
        .first()
    )


def open_task(process: Process | None, node) -> Task | None:
    if process is None:
        return None
    return (
        Task.objects.filter(process=process, flow_task=node, status__in=OPEN_TASK_STATUSES)
        .order_by("pk")
        .first()
    )


def run_human_task(task: Task, actor, before_execute: Callable | None = None):
    """Assign ``task`` to ``actor``, start and complete it under the process lock.

    ``before_execute(activation)`` runs just before completion, inside the lock and the
    transaction, e.g. to record the decision the next node reads.
    """
    with task.activation() as activation:
        if activation.task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            raise RuntimeError(f"Task {task.pk} is no longer open")
        if activation.task.owner_id is None:
            activation.assign(actor)
        activation.start(None)
        result = before_execute(activation) if before_execute else None
        activation.execute()
        return result


class ReadOnlyFlowMixin:
    """For flows shown in viewflow's frontend: viewing for the ICB secretariat and
    auditors only; no manual cancel/undo/revive there (those would bypass services)."""

    def has_view_permission(self, user, obj=None):
        return permissions.reads_everything(user)

    def has_manage_permission(self, user, obj=None):
        return False


_FLOWS: list[tuple[type, str]] = []


def register_flow(flow_class, icon: str = "account_tree") -> None:
    """Called from an app's ``AppConfig.ready`` to list its flow in /workflow/."""
    if flow_class not in [f for f, _ in _FLOWS]:
        _FLOWS.append((flow_class, icon))


def registered_flows() -> list[type]:
    """The flow classes registered with ``register_flow``."""
    return [flow_class for flow_class, _icon in _FLOWS]


def workflow_site():
    from viewflow.urls import Site
    from viewflow.workflow.flow.viewset import FlowAppViewset

    class WorkflowSite(Site):
        def has_view_permission(self, user, obj=None):
            return permissions.reads_everything(user)

    return WorkflowSite(
        title="ICS workflows",
        viewsets=[FlowAppViewset(flow_class, icon=icon) for flow_class, icon in _FLOWS],
    )
