"""Bulk copies of a record's whole graph of rows (for ``manage.py seed_scale``).

A *prototype* is a record written through the services (the demo seeders' proposals,
risks, funds, meetings), together with every row those services wrote for it: its
viewflow process and tasks, sign-offs, permission rows, register entries… ``collect``
gathers that graph; ``clone`` inserts ``copies`` of it with ``bulk_create``, giving each
row a new primary key and pointing every foreign key (and every generic key: content
type plus object id) that named a row of the graph at that row's copy. Keys to rows
outside the graph (organisations, users, committees) are kept, or replaced through the
``external`` maps given by the caller (e.g. a copied allocation's fund → a copied fund).

This is a loader for scale data, not an application path: it writes no audit events
itself (``governance.scale.history`` copies the prototype's events for every copy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models

# model -> [(content type attname, object id attname)] of its generic keys
GENERIC_KEYS: dict[str, list[tuple[str, str]]] = {
    "viewflow.process": [
        ("artifact_content_type_id", "artifact_object_id"),
        ("seed_content_type_id", "seed_object_id"),
    ],
    "viewflow.task": [
        ("artifact_content_type_id", "artifact_object_id"),
        ("seed_content_type_id", "seed_object_id"),
        ("owner_permission_content_type_id", "owner_permission_obj_pk"),
    ],
    "signoffs.signoff": [("subject_type_id", "subject_id")],
    "meetings.agendaitem": [("subject_type_id", "subject_id")],
    "decisions.decisionentry": [("subject_type_id", "subject_id")],
    "guardian.groupobjectpermission": [("content_type_id", "object_pk")],
    "guardian.userobjectpermission": [("content_type_id", "object_pk")],
}

# the key in a viewflow process's ``data`` that names its subject, per subject model
PROCESS_DATA_KEYS = {
    "decisions.proposal": "proposal",
    "budgets.allocation": "allocation",
    "risks.risk": "risk",
}

Hook = Callable[[models.Model, models.Model, int, dict], None]


@dataclass
class Graph:
    """The rows of one prototype, by model, in an order that inserts parents first."""

    root: models.Model
    rows: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)

    def add(self, model: type[models.Model], rows: Iterable[models.Model]) -> list:
        found = list(rows)
        if found:
            self.rows.setdefault(model, []).extend(found)
        return found

    def ids(self, model: type[models.Model]) -> list:
        return [row.pk for row in self.rows.get(model, [])]

    def size(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def content_type_models() -> dict[int, type[models.Model]]:
    return {ct.pk: ct.model_class() for ct in ContentType.objects.all() if ct.model_class()}


def _copy_row(model, row, maps, ct_models, hook, k):
    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        value = getattr(row, f.attname)
        if f.is_relation and value is not None:
            target = maps.get(f.related_model)
            if target is not None and value in target:
                value = target[value]
        values[f.attname] = value
    for ct_att, id_att in GENERIC_KEYS.get(model._meta.label_lower, ()):
        ct_id, obj_id = values.get(ct_att), values.get(id_att)
        target_model = ct_models.get(ct_id)
        target = maps.get(target_model) if target_model else None
        if target is None or obj_id is None:
            continue
        old = int(obj_id) if isinstance(obj_id, str) else obj_id
        if old in target:
            values[id_att] = str(target[old]) if isinstance(obj_id, str) else target[old]
    data = values.get("data")
    if isinstance(data, dict) and model._meta.label_lower == "viewflow.process":
        data = dict(data)
        for label, key in PROCESS_DATA_KEYS.items():
            target = maps.get(_model_by_label(label))
            if key in data and target and data[key] in target:
                data[key] = target[data[key]]
        values["data"] = data
    new = model(**values)
    if hook is not None:
        hook(new, row, k, maps)
    return new


_LABELS: dict[str, type[models.Model]] = {}


def _model_by_label(label: str):
    if label not in _LABELS:
        from django.apps import apps

        _LABELS[label] = apps.get_model(label)
    return _LABELS[label]


def clone(
    graph: Graph,
    copies: Iterable[int],
    *,
    hooks: dict[type[models.Model], Hook] | None = None,
    external: Callable[[int], dict[type[models.Model], dict]] | None = None,
    ct_models: dict[int, type[models.Model]] | None = None,
    batch_size: int = 2000,
) -> list[dict[type[models.Model], dict]]:
    """Insert one copy of ``graph`` for each number in ``copies``.

    ``hooks[model](new_row, prototype_row, k, maps)`` adjusts a copy before insertion (fresh
    references, titles, dates); ``external(k)`` gives extra old→new maps for copy ``k``.
    Returns, per copy, the maps ``{model: {old pk: new pk}}``.
    """
    hooks = hooks or {}
    ct_models = ct_models or content_type_models()
    copies = list(copies)
    per_copy = [
        {model: dict(m) for model, m in external(k).items()} if external else {} for k in copies
    ]
    for model, rows in graph.rows.items():
        new_rows, owners = [], []
        for index, k in enumerate(copies):
            maps = per_copy[index]
            for row in rows:
                new_rows.append(_copy_row(model, row, maps, ct_models, hooks.get(model), k))
                owners.append((index, row.pk))
        created = model.objects.bulk_create(new_rows, batch_size=batch_size)
        for (index, old_pk), new in zip(owners, created, strict=True):
            per_copy[index].setdefault(model, {})[old_pk] = new.pk
    return per_copy
