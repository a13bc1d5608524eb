"""The inbox's read paths: which open human tasks a user may take, answered for a whole
page in one query, and the records they are about loaded per kind, not per row.

A flow node says who may take its tasks in two forms that must agree:
``can_assign(user, task)`` (viewflow's, for one task) and ``assignable(user)``, a
``Q`` over ``viewflow.workflow.models.Task`` rows of that node (this module's, for a
list). A node without ``assignable`` is asked task by task (and only about its own
tasks): give every node with many open tasks an ``assignable``.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet, prefetch_related_objects
from viewflow.workflow.flow import nodes
from viewflow.workflow.models import Task

from governance.organisations.models import Organisation
from governance.workflow import OPEN_TASK_STATUSES


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def open_human_tasks() -> QuerySet[Task]:
    """Open human tasks other than sign-offs (those have their own list)."""
    return Task.objects.filter(
        status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN", signoff__isnull=True
    )


def _human_nodes() -> list:
    """The human task nodes of the registered flows, other than sign-off tasks."""
    from governance.signoffs.nodes import SignOffTask
    from governance.workflow import registered_flows

    return [
        node
        for flow_class in registered_flows()
        for node in flow_class.instance.nodes()
        if isinstance(node, nodes.View) and not isinstance(node, SignOffTask)
    ]


def assignable_tasks(user) -> QuerySet[Task]:
    """Open human tasks (not sign-offs) ``user`` has taken or may take, oldest first.

    One filtered query over the registered flows' human nodes (each node's
    ``assignable``), so a page of it costs the same at any size.
    """
    if not _signed_in(user):
        return Task.objects.none()
    candidates = open_human_tasks()
    allowed = Q(owner_id=user.pk)
    for node in _human_nodes():
        assignable = getattr(node, "assignable", None)
        if assignable is not None:
            q = assignable(user)
        else:  # a node without a list form: asked about each of its own tasks
            ids = [
                t.pk
                for t in candidates.filter(flow_task=node, owner__isnull=True).select_related(
                    "process"
                )
                if node.can_assign(user, t)
            ]
            q = Q(pk__in=ids)
        allowed |= Q(flow_task=node) & q
    return candidates.filter(allowed).select_related("process").order_by("created", "pk")


def subjects_of(pairs) -> dict[tuple[int, int], object]:
    """``{(content type id, object id): record}`` for many records: one query per kind
    (with its foreign keys joined, for the labels), whatever the number of rows."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for ct_id, obj_id in pairs:
        if ct_id and obj_id:
            wanted[ct_id].add(int(obj_id))
    found = {}
    for ct_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids).select_related():
            found[(ct_id, obj.pk)] = obj
    return found


def prefetch_organisations(records) -> None:
    """Load what asking each record for its parties (``parties_of``) reads, for all of
    them at once: the organisations it names through a many-to-many field (a risk's
    partners, a proposal's affected and named organisations…) and its subject type's
    ``parties_prefetch`` (an allocation's fund partners…). A few queries per kind, none
    per row."""
    from governance import subjects

    by_model: dict[type, list] = defaultdict(list)
    for record in records:
        by_model[type(record)].append(record)
    for model, objs in by_model.items():
        lookups = [f.name for f in model._meta.many_to_many if f.related_model is Organisation]
        with contextlib.suppress(LookupError):  # not a subject type: its m2m fields only
            lookups += list(subjects.for_model(model).parties_prefetch)
        if lookups:
            prefetch_related_objects(objs, *lookups)
