"""The history providers: one per kind of record that has a history page.

Each app registers its providers in a small ``history.py`` module, imported by
``autodiscover`` (like the admin's ``admin.py``) the first time a provider is asked
for: how to find the record for a user with the app's own permission-scoped selector
(404 otherwise, never a second rule), which related records' events belong to its
story, the facts that frame it (the delegation it was decided under, the meeting and
minute, the papers) and the labels of its fields.

Contributors add related records and facts to every subject of any kind: the meetings
app adds the agenda items that tabled a record, their declarations, decision and
minute; the decisions app adds a register entry citing the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Model, Q
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Fact:
    """One line framing the story: "Decided under" → "SoRD v3, band: Finance committee…"."""

    label: str
    value: str
    url: str = ""


@dataclass(frozen=True)
class Related:
    """What a provider or contributor adds to a record's story: more records whose audit
    events belong to it, facts, and records whose reads are listed with the record's."""

    records: list[Model] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    confidential: list[Model] = field(default_factory=list)


NOTHING = Related()


@dataclass(frozen=True)
class HistoryProvider:
    """How one kind of record tells its story."""

    slug: str  # in the URL: /history/<slug>/<pk>/
    model: type[Model]
    noun: str  # "proposal", "allocation", …
    # the record if ``user`` may see it (the app's own selector), else raise Http404
    get: Callable[[object, int], Model]
    # the record's page in the app
    url: Callable[[Model], str]
    label: Callable[[Model], str] = str
    # related records, facts and confidential parts (see ``Related``) for a user
    related: Callable[[Model, object], Related] = field(default=lambda obj, user: NOTHING)
    # field name → label for the before/after tables of this record's events
    field_labels: dict[str, str] = field(default_factory=dict)
    # more events than those of the record and its related records, e.g. the events of
    # an envelope that concern one partner's line (a Q over AuditEvent)
    extra_events: Callable[[Model], Q] | None = None
    # True if reading the record is recorded (who viewed what); default: the subject
    # registry's ``is_confidential`` for subjects, else False
    is_confidential: Callable[[Model], bool] | None = None

    def confidential(self, obj: Model) -> bool:
        if self.is_confidential is not None:
            return bool(self.is_confidential(obj))
        from governance import subjects

        try:
            return bool(subjects.for_model(obj).is_confidential(obj))
        except LookupError:
            return False


_PROVIDERS: dict[str, HistoryProvider] = {}
_BY_MODEL: dict[str, HistoryProvider] = {}
_CONTRIBUTORS: list[Callable[[Model, object], Related]] = []
_FIELD_LABELS: dict[str, dict[str, str]] = {}
_VALUE_CHOICES: dict[tuple[str, str], dict[str, str]] = {}
_DISCOVERED = False


def register(provider: HistoryProvider) -> None:
    _PROVIDERS[provider.slug] = provider
    _BY_MODEL[provider.model._meta.label_lower] = provider
    if provider.field_labels:
        register_field_labels(provider.model, provider.field_labels)


def register_contributor(contributor: Callable[[Model, object], Related]) -> None:
    """Add related records and facts to every record's story: called with the record and
    the user reading it (who may not see every part)."""
    if contributor not in _CONTRIBUTORS:
        _CONTRIBUTORS.append(contributor)


def register_field_labels(model: type[Model], labels: dict[str, str]) -> None:
    """Labels of a related model's recorded fields (e.g. a declaration's)."""
    _FIELD_LABELS.setdefault(model._meta.label_lower, {}).update(labels)


def autodiscover() -> None:
    """Import every installed app's ``history`` module (where providers register), once."""
    global _DISCOVERED
    if not _DISCOVERED:
        _DISCOVERED = True
        autodiscover_modules("history")


def register_value_choices(model: type[Model], key: str, choices) -> None:
    """Words for the recorded values of a key that is not a model field with choices
    (e.g. a declaration's ``handling``); ``choices`` is a TextChoices class or a dict."""
    words = dict(choices.choices) if hasattr(choices, "choices") else dict(choices)
    _VALUE_CHOICES[(model._meta.label_lower, key)] = {str(k): str(v) for k, v in words.items()}


def value_choices(model, key: str) -> dict[str, str]:
    if model is None:
        return {}
    return _VALUE_CHOICES.get((model._meta.label_lower, key), {})


def provider(slug: str) -> HistoryProvider:
    autodiscover()
    try:
        return _PROVIDERS[slug]
    except KeyError:
        raise LookupError(f"no history for {slug!r}") from None


def provider_for(model_or_obj) -> HistoryProvider | None:
    autodiscover()
    return _BY_MODEL.get(model_or_obj._meta.label_lower)


def providers() -> list[HistoryProvider]:
    autodiscover()
    return list(_PROVIDERS.values())


def contributors() -> list[Callable[[Model, object], Related]]:
    autodiscover()
    return list(_CONTRIBUTORS)


def field_labels(target_type: str) -> dict[str, str]:
    return _FIELD_LABELS.get(target_type, {})


def merge(parts: Iterable[Related]) -> Related:
    records: list[Model] = []
    facts: list[Fact] = []
    confidential: list[Model] = []
    for part in parts:
        records.extend(part.records)
        facts.extend(part.facts)
        confidential.extend(part.confidential)
    return Related(records, facts, confidential)


def link_audit_trail() -> None:
    """Register each provider's history page with the audit trail, so the explorer's rows
    about a record (and about its related records that have their own page) link to it."""
    from django.urls import reverse

    from governance.audit import links

    for p in _PROVIDERS.values():
        links.register_history(
            p.model._meta.label_lower,
            lambda pk, slug=p.slug: reverse("history:detail", args=[slug, int(pk)]),
        )
