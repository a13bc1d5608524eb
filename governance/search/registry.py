"""Which records are searchable, and how: each app registers its kinds here at start-up.

A ``SearchKind`` says how to turn a record into its documents (``build``), which of its
records a user may see (``visible``: a queryset of ids from the app's own selector) and,
if it has a public projection, which are public now (``public``). The core never
imports decisions/: that app registers its kinds from its ``AppConfig.ready``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Doc:
    """One document of a record: ``audience`` is "private" or "public"."""

    audience: str
    title: str
    body: str
    url: str
    organisation_ids: list[int] = field(default_factory=list)
    public_from: datetime.date | None = None


@dataclass(frozen=True)
class SearchKind:
    name: str  # a governance.search.models.Kind value
    model: type[Model]
    # the record's documents (none if it should not be indexed, e.g. a draft)
    build: Callable[[Model], Iterable[Doc]]
    # ids (a queryset of pks) of the records ``user`` may see, from the app's selector
    visible: Callable[[object], QuerySet]
    # ids of the records whose public projection is published today; None: never public
    public: Callable[[], QuerySet] | None = None
    # every record to index (``rebuild_search_index``)
    all: Callable[[], QuerySet] | None = None


_KINDS: dict[str, SearchKind] = {}


def register(kind: SearchKind) -> None:
    _KINDS[kind.name] = kind


def kinds() -> dict[str, SearchKind]:
    return dict(_KINDS)


def kind_of(record: Model) -> SearchKind | None:
    for kind in _KINDS.values():
        if isinstance(record, kind.model):
            return kind
    return None
