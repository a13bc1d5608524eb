"""The public portal, the feeds and the API never show Part 2 content; publication waits
for the publication date; iCal and Atom are valid."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.test import Client

from governance.meetings import selectors
from governance.meetings.models import Part, StandingKind
from governance.meetings.services import actions, agenda, conduct, minutes, packs, papers
from tests.meetings.conftest import SECRET, at, make_pdf
from tests.meetings.packhelpers import everything_readable

pytestmark = pytest.mark.django_db

SECRET_BITS = ("ZEBRA", "OCELOT", "Calder Mills")


def assert_clean(text: str, where: str) -> None:
    for bit in SECRET_BITS:
        assert bit not in text, f"{bit!r} leaked in {where}"


@pytest.fixture
def published(ics, board, people, private_root, django_capture_on_commit_callbacks):
    """A meeting held yesterday with Part 2 secrets everywhere, its packs, decisions,
    actions and published minutes; and an upcoming meeting not yet published."""
    sec = ics["secretariat"]
    m = agenda.meeting_create(
        actor=sec, committee=board, start=at(-1), location="Civic Hall", title="Board in public"
    )
    public_item = agenda.item_add(actor=sec, meeting=m, title="Annual report", purpose="approval")
    secret = agenda.item_add(
        actor=sec,
        meeting=m,
        title=f"Acquire {SECRET}",
        presenter=f"Director of {SECRET}",
        purpose="decision",
        part=Part.PRIVATE,
        exemption_reason="commercial interests (FOIA s43)",
    )
    for item, text in ((public_item, "Our year."), (secret, SECRET)):
        paper = papers.paper_create(actor=sec, item=item)
        papers.paper_update(
            actor=sec,
            paper=paper,
            executive_summary=f"<p>{text}</p>",
            risks=f"<p>{text}</p>",
            body=f"<h3>{text}</h3><p>{text}</p>",
        )
        papers.appendix_add(
            actor=sec,
            paper=paper,
            title=f"Appendix {text}",
            data=make_pdf(1, text),
            filename="a.pdf",
        )
        papers.paper_approve(actor=sec, paper=paper)
    with django_capture_on_commit_callbacks(execute=True):
        packs.packs_generate(actor=sec, meeting=m)
    for seat in board.seat.values():
        conduct.attendance_record(actor=sec, meeting=m, member=seat, status="present")
    conduct.declaration_add(
        actor=sec, item=secret, person=people["ceo"], description=f"Owns shares in {SECRET}"
    )
    d = secret.declarations.get()
    conduct.declaration_decide(
        actor=sec,
        declaration=d,
        excluded_from_discussion=True,
        excluded_from_vote=True,
        chair_decision=f"Left the room ({SECRET})",
    )
    conduct.item_record_discussion(actor=sec, item=secret, discussion=f"Talked about {SECRET}")
    conduct.item_decide(
        actor=sec,
        item=secret,
        votes={
            board.seat[k].pk: "for" if k in ("chair", "nec1", "nec2", "cfo") else "against"
            for k in ("chair", "nec1", "nec2", "cfo", "partner_trust", "partner_council")
        },
        resolution=f"Buy {SECRET}",
    )
    conduct.item_decide(actor=sec, item=public_item, outcome="approved", resolution="Approved.")
    actions.action_create(
        actor=sec,
        meeting=m,
        item=secret,
        description=f"Complete {SECRET}",
        owner=people["cfo"],
        due_date=datetime.date(2030, 1, 1),
    )
    actions.action_create(
        actor=sec,
        meeting=m,
        item=public_item,
        description="Publish the annual report",
        owner=people["cfo"],
        due_date=datetime.date(2030, 1, 1),
    )
    agenda.meeting_close(actor=sec, meeting=m)
    mn = minutes.minutes_draft(actor=sec, meeting=m)
    today = agenda.meeting_create(actor=sec, committee=board, start=at(0, hour=0), location="Hall")
    for seat in board.seat.values():
        conduct.attendance_record(actor=sec, meeting=today, member=seat, status="present")
    conduct.item_decide(
        actor=sec,
        item=today.items.get(standing_kind=StandingKind.PREVIOUS_MINUTES),
        outcome="approved",
    )
    minutes.minutes_publish(actor=sec, minutes=mn)
    upcoming = agenda.meeting_create(actor=sec, committee=board, start=at(30), location="Hall")
    agenda.item_add(actor=sec, meeting=upcoming, title="Future business", purpose="noting")
    with django_capture_on_commit_callbacks(execute=True):
        packs.packs_generate(actor=sec, meeting=upcoming, variants=["public"])
    # a private meeting of the board
    private = agenda.meeting_create(
        actor=sec,
        committee=board,
        start=at(5),
        location="Room 1",
        session="private",
        title=f"Private session on {SECRET}",
    )
    return {"meeting": m, "today": today, "upcoming": upcoming, "private": private}


def crawl(client: Client, start_urls) -> dict[str, bytes]:
    """Fetch every /public/ and /api/v1/ URL reachable from ``start_urls``."""
    seen, queue, bodies = set(), list(start_urls), {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = (
            b"".join(response.streaming_content)
            if getattr(response, "streaming", False)
            else response.content
        )
        bodies[url] = body
        if body.startswith(b"%PDF"):
            continue
        text = body.decode("utf-8", "replace")
        for link in re.findall(r'(?:href="|"(?:url|download_url|next)": ?")([^"#]+)', text):
            link = link.replace("&amp;", "&")
            parts = urlsplit(link)
            if parts.netloc and parts.netloc != "testserver":
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(("/public/", "/api/v1/")):
                queue.append(path)
    return bodies


def api_urls(published):
    urls = ["/api/v1/committees/", "/api/v1/meetings/", "/api/v1/actions/"]
    for m in published.values():
        urls += [f"/api/v1/meetings/{m.pk}/", f"/api/v1/meetings/{m.pk}/pack/"]
    return urls


@pytest.mark.parametrize("who", ["anonymous", "non_member"])
def test_no_part2_content_reaches_public_pages_feeds_packs_or_api(who, ics, published):
    client = Client()
    if who == "non_member":
        client.force_login(ics["vcse_sign"])
    bodies = crawl(
        client,
        [
            "/public/",
            "/public/meetings.ics",
            "/public/papers.atom",
            "/public/data/",
            "/public/search/?q=takeover+secret",
            "/public/search/?q=annual",
            *api_urls(published),
        ],
    )
    # ... and every open data file listed on /public/data/, and the public search
    for name in ("popolo.json", "votes.csv", "motions.csv", "decisions.csv", "decisions.json"):
        assert f"/public/data/{name}" in bodies
    assert "0 results" in bodies["/public/search/?q=takeover+secret"].decode()
    m = published["meeting"]
    # the crawl reached the public meeting, its minutes, its packs, both feeds and the API
    assert f"/public/meetings/{m.pk}/" in bodies
    assert f"/public/meetings/{m.pk}/minutes/" in bodies
    assert any(b.startswith(b"%PDF") for b in bodies.values())
    assert "/public/meetings.ics" in bodies and "/public/papers.atom" in bodies
    assert f"/api/v1/meetings/{m.pk}/pack/" in bodies
    for url, body in bodies.items():
        if body.startswith(b"%PDF"):
            assert_clean(everything_readable(body), url)
            assert b"ZEBRA" not in body
        else:
            assert_clean(body.decode("utf-8", "replace"), url)
    # what is public is there
    page = bodies[f"/public/meetings/{m.pk}/"].decode()
    assert "Annual report" in page
    assert "Confidential item — exempt under commercial interests (FOIA s43)" in page
    minutes_page = bodies[f"/public/meetings/{m.pk}/minutes/"].decode()
    assert "Approved." in minutes_page and "taken in private" in minutes_page
    api_actions = bodies["/api/v1/actions/"].decode()
    assert "Publish the annual report" in api_actions
    # the private meeting is nowhere
    assert all(f"/public/meetings/{published['private'].pk}/" != u for u in bodies)
    assert client.get(f"/api/v1/meetings/{published['private'].pk}/").status_code == 404


def test_non_member_gets_404_for_private_pages(ics, published):
    m = published["meeting"]
    client = Client()
    client.force_login(ics["vcse_sign"])
    secret = m.items.get(part=2)
    members_pack = selectors.latest_pack(m, "members")
    for url in (
        f"/meetings/items/{secret.pk}/paper/",
        f"/meetings/items/{secret.pk}/conduct/",
        f"/meetings/packs/{members_pack.pk}/",
        f"/meetings/appendices/{secret.paper.appendices.get().pk}/",
        f"/meetings/{published['private'].pk}/",
        f"/meetings/{m.pk}/minutes/",
        f"/public/packs/{members_pack.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    # the meeting page sends a non-member to the public page
    assert client.get(f"/meetings/{m.pk}/").url == f"/public/meetings/{m.pk}/"


def test_members_see_private_business(ics, people, published):
    m = published["meeting"]
    client = Client()
    client.force_login(people["nec1"])
    page = client.get(f"/meetings/{m.pk}/").content.decode()
    assert "ZEBRA" in page
    pack = client.get(f"/api/v1/meetings/{m.pk}/pack/").json()
    assert pack["variant"] == "members"
    detail = client.get(f"/api/v1/meetings/{m.pk}/").json()
    assert detail["agenda_view"] == "members" and any(
        "ZEBRA" in i["title"] for i in detail["agenda"]
    )
    client.force_login(ics["auditor"])
    assert client.get(f"/api/v1/meetings/{m.pk}/pack/").json()["variant"] == "members"


def test_publication_date_gate(
    ics, board, travel, private_root, django_capture_on_commit_callbacks
):
    sec = ics["secretariat"]
    m = agenda.meeting_create(actor=sec, committee=board, start=at(20), location="Hall")
    agenda.item_add(actor=sec, meeting=m, title="Open business", purpose="noting")
    with django_capture_on_commit_callbacks(execute=True):
        packs.packs_generate(actor=sec, meeting=m)
    m.refresh_from_db()
    pack = selectors.latest_pack(m, "public")
    # 5 clear days: the day before the meeting and the 5 before it are clear, so day -6
    assert selectors.publication_date(m) == selectors.meeting_date(m) - datetime.timedelta(days=6)
    anon = Client()
    day_before = at(13, hour=23) + datetime.timedelta(minutes=59)
    travel(day_before)
    assert not selectors.is_published(m)
    assert anon.get(f"/public/packs/{pack.pk}/").status_code == 404
    assert "Open business" not in anon.get(f"/public/meetings/{m.pk}/").content.decode()
    assert anon.get(f"/api/v1/meetings/{m.pk}/pack/").status_code == 404
    travel(at(14, hour=0))
    assert selectors.is_published(m)
    assert anon.get(f"/public/packs/{pack.pk}/").status_code == 200
    assert "Open business" in anon.get(f"/public/meetings/{m.pk}/").content.decode()
    assert anon.get(f"/api/v1/meetings/{m.pk}/pack/").json()["id"] == pack.pk


def unfold(body: bytes) -> list[str]:
    text = body.decode("utf-8")
    assert "\n" not in text.replace("\r\n", ""), "bare LF"
    physical = text.split("\r\n")
    assert physical[-1] == ""
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
    logical: list[str] = []
    for line in physical[:-1]:
        if line.startswith((" ", "\t")):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def test_icalendar_is_valid(ics, board, published):
    sec = ics["secretariat"]
    agenda.meeting_create(
        actor=sec,
        committee=board,
        start=at(60),
        location="Ground-floor chamber, Northmere Civic Centre, 1 Market Street; Northmere, "
        "NM1 1AA — entrance via the café (step-free access) " * 2,
        title="Board meeting, with a long title; commas, semicolons and accents: café",
    )
    response = Client().get("/public/meetings.ics")
    assert response["Content-Type"].startswith("text/calendar")
    lines = unfold(response.content)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(x.startswith("PRODID:") for x in lines)
    stack = []
    events = []
    for line in lines:
        name, _, value = line.partition(":")
        assert re.fullmatch(r"[A-Z-]+(;[^:]*)?", name), line
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack.pop() == value
        elif stack and stack[-1] == "VEVENT":
            events[-1][name] = value
    assert not stack
    public_meetings = selectors.public_meetings().count()
    assert len(events) == public_meetings  # the private meeting is not in the feed
    uids = [e["UID"] for e in events]
    assert len(set(uids)) == len(uids)
    for e in events:
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= set(e)
        assert re.fullmatch(r"\d{8}T\d{6}Z", e["DTSTART"]) and e["DTEND"] > e["DTSTART"]
    long = next(e for e in events if "café" in e["SUMMARY"])
    assert long["SUMMARY"] == (
        "Board meeting\\, with a long title\\; commas\\, semicolons and accents: café"
    )
    assert "Market Street\\; Northmere" in long["LOCATION"]
    assert_clean(response.content.decode(), "ical")


def test_atom_feed_is_valid(published):
    response = Client().get("/public/papers.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for required in ("a:id", "a:title", "a:updated"):
        assert root.find(required, ns) is not None
    entries = root.findall("a:entry", ns)
    titles = [e.find("a:title", ns).text for e in entries]
    assert any("approved minutes" in t for t in titles)
    assert any("Full pack" in t for t in titles)
    # the upcoming meeting's pack is not yet published: not in the feed
    assert not any(published["upcoming"].start.strftime("%-d %B %Y") in t for t in titles)
    for e in entries:
        for required in ("a:id", "a:title", "a:updated", "a:link"):
            assert e.find(required, ns) is not None
        datetime.datetime.fromisoformat(e.find("a:updated", ns).text)
    assert_clean(response.content.decode(), "atom")


def test_published_register_of_interests(ics, people, published):
    from governance.interests.services import interest_declare

    interest_declare(
        actor=people["ceo"],
        person=people["ceo"],
        interest_type="non_financial_professional",
        description="Trustee of a hospice charity",
    )
    interest_declare(
        actor=people["ceo"],
        person=people["ceo"],
        interest_type="financial",
        description="Unpublished holding",
        is_published=False,
    )
    page = Client().get("/public/interests/").content.decode()
    assert "Trustee of a hospice charity" in page and "Unpublished holding" not in page
