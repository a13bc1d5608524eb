# ruff: noqa: F811 - the fixtures imported from the decisions and meetings suites
"""Open data at /public/data/: Popolo JSON valid against the Popolo schemas (vendored in
tests/fixtures/popolo), CSV for each collection, the licence stated, and no Part 2 or
confidential content in any file listed on the page."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from governance.meetings.services import agenda, conduct
from governance.opendata import LICENCE, LICENCE_URL
from tests.decisions.conftest import (  # noqa: F401
    board_decides,
    decision_type,
    finance_post,
    fpc,
    ics,
    make_proposal,
    sord_v1,
)
from tests.meetings.conftest import (  # noqa: F401
    SECRET,
    _media_and_hashers,
    at,
    board,
    people,
    private_root,
    ready_proposal,
    sord_board,
)
from tests.meetings.test_public import assert_clean, published  # noqa: F401

# a slow suite: CI runs it once, on the PostgreSQL pass
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "popolo"
COLLECTIONS = {
    "persons": "person",
    "organizations": "organization",
    "memberships": "membership",
    "events": "event",
    "motions": "motion",
    "vote_events": "vote_event",
    "votes": "vote",
}


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture
def record(ics, board, people, published, ready_proposal, board_decides):
    """The portal's planted-secret ICS, plus a Part 1 item decided by a named vote at a
    meeting held in public, and two register entries: one public, one confidential."""
    sec = ics["secretariat"]
    m = agenda.meeting_create(
        actor=sec, committee=board, start=at(-3), location="Civic Hall", title="Extra board"
    )
    item = agenda.item_add(
        actor=sec, meeting=m, title="Frailty virtual ward business case", purpose="decision"
    )
    for seat in board.seat.values():
        conduct.attendance_record(actor=sec, meeting=m, member=seat, status="present")
    conduct.item_decide(
        actor=sec,
        item=item,
        votes={
            board.seat[k].pk: ("against" if k == "partner_council" else "for")
            for k in ("chair", "nec1", "nec2", "ceo", "cfo", "partner_trust", "partner_council")
        },
        resolution="The board approved 40 virtual ward beds from April.",
    )
    agenda.meeting_close(actor=sec, meeting=m)
    public = ready_proposal(title="Community falls service")
    secret = ready_proposal(
        title=f"Acquire {SECRET}",
        is_confidential=True,
        exemption_reason="Commercial interests (FOIA s43)",
    )
    board_decides(public)
    board_decides(secret)
    return {"meeting": m, "item": item, "public": public, "secret": secret}


def get(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_popolo_json_validates_against_the_popolo_schemas(record):
    data = json.loads(get(Client(), "/public/data/popolo.json").content)
    for collection, schema in COLLECTIONS.items():
        check = validator(schema)
        for entity in data[collection]:
            errors = sorted(check.iter_errors(entity), key=str)
            assert not errors, (collection, entity, [e.message for e in errors])
    ids = {c: {e.get("id") for e in data[c]} for c in COLLECTIONS}
    # every reference points at an entity in the same document
    for m in data["memberships"]:
        assert m["person_id"] in ids["persons"] and m["organization_id"] in ids["organizations"]
        assert m["on_behalf_of_id"] in ids["organizations"]
    for e in data["events"]:
        assert e["organization_id"] in ids["organizations"]
    for ve in data["vote_events"]:
        assert ve["motion_id"] in ids["motions"] and ve["legislative_session_id"] in ids["events"]
    for v in data["votes"]:
        assert v["vote_event_id"] in ids["vote_events"] and v["voter_id"] in ids["persons"]
    # the named vote on the Part 1 item is there, with its counts
    motion = next(m for m in data["motions"] if "virtual ward" in m["text"])
    assert motion["result"] == "pass" and "40 virtual ward beds" in motion["text"]
    event = next(ve for ve in data["vote_events"] if ve["motion_id"] == motion["id"])
    assert {c["option"]: c["value"] for c in event["counts"]} == {"yes": 6, "no": 1, "abstain": 0}
    options = sorted(v["option"] for v in data["votes"] if v["vote_event_id"] == event["id"])
    assert options == ["no"] + ["yes"] * 6
    chair = next(p for p in data["persons"] if p["name"] == "Margaret Holt")
    assert {"given_name": "Margaret", "family_name": "Holt"}.items() <= chair.items()
    assert data["meta"]["licence"] == LICENCE and data["meta"]["licence_url"] == LICENCE_URL


def test_only_published_meetings_and_part1_decisions_are_open_data(record, published):
    data = json.loads(get(Client(), "/public/data/popolo.json").content)
    events = {e["id"] for e in data["events"]}
    assert f"meeting-{published['meeting'].pk}" in events
    assert f"meeting-{record['meeting'].pk}" in events
    assert f"meeting-{published['private'].pk}" not in events  # a private session
    assert f"meeting-{published['upcoming'].pk}" not in events  # its agenda not out yet
    texts = " ".join(m["text"] for m in data["motions"])
    assert "Annual report" in texts and "Acquire" not in texts
    # the Part 2 item's named votes are not among the votes
    secret_item = published["meeting"].items.get(part=2)
    assert f"motion-{secret_item.pk}" not in {m["id"] for m in data["motions"]}
    assert f"vote-event-{secret_item.decision.pk}" not in {
        v["vote_event_id"] for v in data["votes"]
    }


def test_licence_is_stated_on_the_page_and_with_every_file(record):
    page = get(Client(), "/public/data/").content.decode()
    assert LICENCE in page and f'href="{LICENCE_URL}" rel="license"' in page
    for url in (
        "/public/data/popolo.json",
        "/public/data/votes.csv",
        "/public/data/decisions.json",
    ):
        response = get(Client(), url)
        assert response["X-Licence"] == LICENCE_URL
        assert response["Access-Control-Allow-Origin"] == "*"


def listed(client: Client) -> list[str]:
    page = get(client, "/public/data/").content.decode()
    return sorted(set(re.findall(r'href="(/public/data/[^"]+)"', page)))


def test_every_listed_file_is_there_and_csv_matches_json(record):
    client = Client()
    urls = listed(client)
    names = {u.rsplit("/", 1)[1] for u in urls}
    assert {
        "popolo.json",
        "people.csv",
        "organizations.csv",
        "memberships.csv",
        "events.csv",
        "motions.csv",
        "vote_events.csv",
        "votes.csv",
        "decisions.csv",
        "decisions.json",
    } <= names
    data = json.loads(get(client, "/public/data/popolo.json").content)
    for name, collection in (
        ("people", "persons"),
        ("organizations", "organizations"),
        ("memberships", "memberships"),
        ("events", "events"),
        ("motions", "motions"),
        ("vote_events", "vote_events"),
        ("votes", "votes"),
    ):
        response = get(client, f"/public/data/{name}.csv")
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert len(rows) == len(data[collection]), name
    vote_events = list(
        csv.DictReader(io.StringIO(get(client, "/public/data/vote_events.csv").content.decode()))
    )
    ours = next(r for r in vote_events if r["motion_id"] == f"motion-{record['item'].pk}")
    assert {"yes": "6", "no": "1", "abstain": "0"}.items() <= ours.items()


def test_the_register_file_has_public_entries_only(record):
    client = Client()
    rows = list(
        csv.DictReader(io.StringIO(get(client, "/public/data/decisions.csv").content.decode()))
    )
    public, secret = record["public"], record["secret"]
    public.refresh_from_db()
    secret.refresh_from_db()
    titles = {r["title"] for r in rows}
    assert "Community falls service" in titles
    assert not any("Acquire" in t for t in titles)
    entries = json.loads(get(client, "/public/data/decisions.json").content)["decisions"]
    assert [e["title"] for e in entries] == [r["title"] for r in rows]
    assert all(e["url"].startswith("/decisions/") for e in entries)


def test_no_part2_or_confidential_content_in_any_listed_file(ics, record):
    for who in (None, ics["vcse_sign"]):
        client = Client()
        if who is not None:
            client.force_login(who)
        urls = listed(client)
        assert len(urls) >= 10
        for url in ["/public/data/", *urls]:
            assert_clean(get(client, url).content.decode(), url)
            assert "Acquire" not in get(client, url).content.decode(), url


def test_unknown_files_are_404():
    assert Client().get("/public/data/secrets.csv").status_code == 404
    assert Client().get("/public/data/votes.json").status_code == 404
