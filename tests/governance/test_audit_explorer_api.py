"""/api/v1/audit/events/ and /api/v1/audit/verify/: who may read, cursor pages, filters."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.audit import verification
from governance.audit.models import AuditEvent
from governance.audit.services import audit_bulk_append
from tests.governance.test_audit_explorer import trail_fixture  # noqa: F401

EVENTS = "/api/v1/audit/events/"
VERIFY = "/api/v1/audit/verify/"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [("auditor", 200), ("icb_sec", 200), ("north_sec", 403), ("north_member", 403), ("asha", 403)],
)
def test_only_auditors_and_the_icb_secretariat_read_the_trail(trail, who, status):
    client = _client(trail["people"][who])
    assert client.get(EVENTS).status_code == status
    assert client.get(VERIFY).status_code == status
    assert client.get(f"{EVENTS}export.csv").status_code == status


def test_anonymous_callers_are_refused(trail):
    assert _client().get(EVENTS).status_code in (401, 403)
    assert _client().post(VERIFY).status_code in (401, 403)


def test_events_carry_the_hashes_and_read_as_sentences(trail):
    body = _client(trail["people"]["auditor"]).get(EVENTS, {"kind": "deputy.ended"}).json()
    (event,) = body["results"]
    stored = AuditEvent.objects.get(seq=event["seq"])
    assert event["hash"] == stored.hash and event["prev_hash"] == stored.prev_hash
    assert {k: event[k] for k in stored.as_record()} == stored.as_record()
    assert event["sentence"] == "Deputy appointment ended early"
    assert event["person"] == "Asha Patel"
    assert event["organisation"] == "Northfield Hospitals NHS Trust"
    assert event["timestamp"] == "2026-06-30T23:30:00.000000Z"


def test_cursor_pages_walk_the_whole_trail_newest_first(trail):
    client = _client(trail["people"]["icb_sec"])
    seqs, url, pages = [], EVENTS + "?page_size=4", 0
    while url:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).json()
        assert not [q for q in queries.captured_queries if "OFFSET" in q["sql"].upper()]
        assert "count" not in body
        seqs += [e["seq"] for e in body["results"]]
        url, pages = body["next"], pages + 1
    expected = list(AuditEvent.objects.order_by("-seq").values_list("seq", flat=True))
    assert seqs == expected
    assert pages == -(-len(expected) // 4)


def test_filters_narrow_the_api_and_bad_ones_answer_400_by_parameter(trail):
    client = _client(trail["people"]["auditor"])
    south = trail["south"].pk
    body = client.get(EVENTS, {"organisation": south, "kind": "area:deputy"}).json()
    assert [(e["verb"], e["target_id"]) for e in body["results"]] == [("deputy.appointed", "3")]
    body = client.get(EVENTS, {"subject": "interests.interest", "record": "11"}).json()
    assert [e["verb"] for e in body["results"]] == ["interest.updated", "interest.declared"]
    bad = client.get(EVENTS, {"date_from": "2/7/2026", "date_to": "1/7/2026"})
    assert bad.status_code == 400
    assert "date_to" in bad.json()["errors"]
    assert client.get(EVENTS, {"organisation": "abc"}).status_code == 400


def test_api_queries_do_not_grow_with_events(trail):
    client = _client(trail["people"]["auditor"])
    client.get(EVENTS)
    with CaptureQueriesContext(connection) as few:
        client.get(EVENTS)
    audit_bulk_append(
        {
            "timestamp": datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC),
            "actor_id": trail["people"]["ben"].pk,
            "actor": "ben",
            "organisation_id": trail["south"].pk,
            "verb": "interest.declared",
            "target_type": "interests.interest",
            "target_id": "12",
            "target_label": "Trustee, Southgate Hospice",
            "changes": {},
        }
        for _ in range(60)
    )
    with CaptureQueriesContext(connection) as many:
        body = client.get(EVENTS).json()
    assert len(body["results"]) == 50
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_verification_status_and_start(trail, django_capture_on_commit_callbacks):
    auditor = _client(trail["people"]["auditor"])
    status = auditor.get(VERIFY).json()
    assert status["available"] == verification.available()
    assert _client(trail["people"]["north_sec"]).post(VERIFY).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = auditor.post(VERIFY)
    if not verification.available():
        assert response.status_code == 503
        return
    assert response.status_code == 202
    latest = response.json()["latest"]
    assert latest["started_by"] == "auditor"
    # the job ran (inline in tests, after the commit): the run found the trail intact
    assert auditor.get(VERIFY).json()["latest"]["ok"] is True
    assert AuditEvent.objects.filter(verb__startswith="verification").count() == 0  # a read
