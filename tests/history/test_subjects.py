"""Every kind of record has a history page on the demo ICS: the story in words (names,
organisations, UK times), before/after tables without JSON; and the page costs the same
number of queries whatever the number of events."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.history import registry
from tests.governance.test_query_counts import demo  # noqa: F401  (the seeded demo ICS)

# a slow suite: CI runs it once, on the PostgreSQL pass
pytestmark = [pytest.mark.usefixtures("demo"), pytest.mark.slow]

SLUGS = [
    "proposal",
    "allocation",
    "contribution-change",
    "risk",
    "meeting-item",
    "fund",
    "envelope-line",
    "sord-version",
]


def _auditor() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="icb.auditor"))
    return client


def _record_with_most_events(provider):
    model = provider.model
    label = model._meta.label_lower
    if provider.slug == "envelope-line":
        return model.objects.order_by("pk").first()
    ids = (
        AuditEvent.objects.filter(target_type=label)
        .values_list("target_id", flat=True)
        .order_by("target_id")
    )
    counts: dict[str, int] = {}
    for pk in ids:
        counts[pk] = counts.get(pk, 0) + 1
    assert counts, f"the demo has no events of any {label}"
    best = max(counts, key=counts.get)
    return model.objects.get(pk=best)


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_every_kind_of_record_has_a_provider():
    assert sorted(p.slug for p in registry.providers()) == sorted(SLUGS)


@pytest.mark.parametrize("slug", SLUGS)
def test_history_page_of_each_kind_tells_its_story(db, slug):
    provider = registry.provider(slug)
    record = _record_with_most_events(provider)
    response = _auditor().get(reverse("history:detail", args=[slug, record.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    assert provider.label(record) in text
    entries = html.count('class="app-history__entry"')
    assert entries >= 1, f"{slug}: no steps"
    # people by name, the organisation they acted for, and no machine codes or JSON
    events = list(
        AuditEvent.objects.filter(
            target_type=record._meta.label_lower, target_id=str(record.pk)
        ).select_related("actor")
    )
    named = [e.actor.get_full_name() for e in events if e.actor_id and e.actor.get_full_name()]
    if named:
        assert named[0] in text
    assert '{"before"' not in html and "&quot;after&quot;" not in html
    for e in events:
        assert e.verb not in text, f"{slug}: raw verb {e.verb} shown"


@pytest.mark.parametrize("slug", ["fund", "risk"])
def test_history_prints(db, slug):
    provider = registry.provider(slug)
    record = _record_with_most_events(provider)
    response = _auditor().get(reverse("history:pdf", args=[slug, record.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_history_page_queries_do_not_grow_with_events(db):
    from decisions.models import Proposal
    from governance.audit.services import audit_bulk_append
    from governance.organisations.models import Organisation

    proposal = Proposal.objects.order_by("pk").first()
    person = get_user_model().objects.exclude(first_name="").order_by("pk").first()
    org = Organisation.objects.order_by("pk").first()
    url = reverse("history:detail", args=["proposal", proposal.pk])
    client = _auditor()

    def add(k):
        now = datetime.datetime.now(datetime.UTC)
        audit_bulk_append(
            {
                "timestamp": now,
                "actor": "seed",
                "actor_id": person.pk,
                "organisation_id": org.pk,
                "verb": verb,
                "target_type": "decisions.proposal",
                "target_id": str(proposal.pk),
                "target_label": str(proposal),
                "changes": changes,
            }
            for _ in range(k)
            for verb, changes in (
                ("proposal.updated", {"financial_value": {"before": "1.00", "after": "2.00"}}),
                ("signoff.conflict_recorded", {"person": person.pk, "round": 1}),
                ("proposal.updated", {"lead_officer": {"before": None, "after": person.pk}}),
            )
        )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    add(2)
    small = count()
    add(20)
    large = count()
    assert small == large, f"{small} queries, then {large} with 60 more events"
