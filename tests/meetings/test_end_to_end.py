"""Agenda → papers → packs → publication → the meeting → decisions → minutes → publication,
driven through the secretariat's pages, with the clock moved along."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from decisions.models import DecisionEntry, ProposalStatus
from governance.interests.services import interest_declare
from governance.meetings import selectors
from governance.meetings.models import (
    Action,
    AgendaItem,
    Meeting,
    Minutes,
    PackVersion,
    StandingKind,
)
from governance.meetings.services import agenda, conduct, minutes
from tests.meetings.conftest import SECRET, at, make_pdf
from tests.meetings.packhelpers import everything_readable, page_texts

pytestmark = pytest.mark.django_db


def ok(response, status=302):
    assert response.status_code == status, response.content[:2000]
    if status == 302:
        assert not response.url.startswith("/accounts/login"), "not signed in"
    return response


@pytest.fixture
def past_meeting(ics, board):
    """The board's previous meeting: held, minuted (draft), with an open action."""
    sec = ics["secretariat"]
    m = agenda.meeting_create(actor=sec, committee=board, start=at(-30), location="Civic Hall")
    for key, seat in board.seat.items():
        conduct.attendance_record(
            actor=sec, meeting=m, member=seat, status="present" if key != "nec2" else "apologies"
        )
    item = agenda.item_add(actor=sec, meeting=m, title="Estates strategy", purpose="noting")
    conduct.item_record_discussion(actor=sec, item=item, discussion="The board discussed estates.")
    conduct.item_decide(actor=sec, item=item, outcome="noted")
    from governance.meetings.services import actions

    action = actions.action_create(
        actor=sec,
        meeting=m,
        item=item,
        description="Report back on the estates disposal plan",
        owner=board.seat["ceo"].user,
        due_date=datetime.date.today() + datetime.timedelta(days=40),
    )
    agenda.meeting_close(actor=sec, meeting=m)
    minutes.minutes_draft(actor=sec, meeting=m)
    m.action = action
    return m


def test_meeting_end_to_end(
    client,
    ics,
    board,
    people,
    past_meeting,
    ready_proposal,
    travel,
    private_root,
    django_capture_on_commit_callbacks,
):
    sec = ics["secretariat"]
    client.force_login(sec)
    proposal = ready_proposal(value="750000", title="Community beds expansion")
    interest_declare(
        actor=people["partner_trust"],
        person=people["partner_trust"],
        interest_type="financial",
        description="Director of a company supplying beds to the trust",
        related_organisation=ics["trust"],
        valid_from=datetime.date(2024, 1, 1),
    )

    # --- the agenda ------------------------------------------------------------------
    ok(
        client.post(
            reverse("meetings:meeting-new", args=[board.pk]),
            {
                "title": "Board meeting in public",
                "start": at(10).strftime("%Y-%m-%dT%H:%M"),
                "location": "Civic Hall, Northmere",
                "session": "public",
            },
        )
    )
    meeting = Meeting.objects.get(title="Board meeting in public")
    assert meeting.items.filter(standing_kind__gt="").count() == 6
    ok(
        client.post(
            reverse("meetings:item-new", args=[meeting.pk]),
            {
                "title": "Quality and performance report",
                "presenter": "Chief Nursing Officer",
                "purpose": "assurance",
                "part": 1,
                "duration_minutes": 20,
            },
        )
    )
    ok(
        client.post(
            reverse("meetings:item-new", args=[meeting.pk]),
            {
                "title": f"Acquisition: {SECRET}",
                "purpose": "decision",
                "part": 2,
                "exemption_reason": "",
                "duration_minutes": 20,
            },
        ),
        200,  # the Part 2 item needs its exemption reason: shown next to the field
    )
    ok(
        client.post(
            reverse("meetings:item-new", args=[meeting.pk]),
            {
                "title": f"Acquisition: {SECRET}",
                "purpose": "decision",
                "part": 2,
                "exemption_reason": "commercial interests (FOIA s43)",
                "duration_minutes": 20,
            },
        )
    )
    ok(
        client.post(
            reverse("meetings:table", args=[meeting.pk]),
            {"subject": f"decisions.proposal:{proposal.pk}", "presenter": "Director of Strategy"},
        )
    )
    items = {i.title: i for i in meeting.items.all()}
    quality = items["Quality and performance report"]
    secret_item = items[f"Acquisition: {SECRET}"]
    beds = items[f"{proposal.reference} Community beds expansion"]
    assert beds.subject == proposal and beds.purpose == "decision"

    # --- papers (on time) ---------------------------------------------------------------
    for item, summary in ((quality, "Quality is improving."), (secret_item, f"Buy: {SECRET}")):
        ok(client.post(reverse("meetings:paper-create", args=[item.pk]), {"author": sec.pk}))
        ok(
            client.post(
                reverse("meetings:paper", args=[item.pk]),
                {
                    "purpose": "<p>Assurance</p><script>alert(1)</script>",
                    "recommendation": "<p>Note the report.</p>",
                    "executive_summary": f"<p>{summary}</p>",
                    "body": '<p>Detail <img src="http://127.0.0.1/x.png"> '
                    '<a href="file:///etc/passwd">link</a></p>',
                },
            )
        )
    secret_paper = secret_item.paper
    secret_paper.refresh_from_db()
    assert "<script>" not in secret_paper.purpose and "127.0.0.1" not in secret_paper.body
    assert "file:" not in secret_paper.body
    ok(
        client.post(
            reverse("meetings:appendix-add", args=[secret_item.pk]),
            {"title": "Heads of terms", "file": _upload(make_pdf(2, SECRET))},
        )
    )
    assert secret_item.paper.appendices.count() == 1
    bad = client.post(
        reverse("meetings:appendix-add", args=[quality.pk]),
        {"title": "Not a PDF", "file": _upload(b"MZ\x90\x00 not a pdf", "x.pdf")},
    )
    assert quality.paper.appendices.count() == 0
    assert "not a PDF" in client.get(bad.url).content.decode()
    for item in (quality, secret_item):
        ok(client.post(reverse("meetings:paper-approve", args=[item.pk])))

    # --- packs: both variants, in a background job (in-process here) ---------------------
    with django_capture_on_commit_callbacks(execute=True):
        ok(client.post(reverse("meetings:packs-generate", args=[meeting.pk])))
    meeting.refresh_from_db()
    assert meeting.status == "issued"
    members_pack = selectors.latest_pack(meeting, "members")
    public_pack = selectors.latest_pack(meeting, "public")
    assert members_pack.kind == public_pack.kind == "full"

    # the page numbers the app shows are those printed in the pack
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    texts = page_texts(members_pack.file.open("rb").read())
    for item in meeting.items.all():
        n = members_pack.item_pages[str(item.pk)]
        assert f"Page </span>{n}</td>" in page  # the agenda's "Page" cell
        assert f"{item.position}." in texts[n - 1] or item.title[:15] in texts[n - 1]

    # --- before the publication date nothing is public ----------------------------------
    anon = client.__class__()
    assert selectors.publication_date(meeting) == selectors.meeting_date(
        meeting
    ) - datetime.timedelta(days=6)
    public_page = anon.get(reverse("meetings:public-meeting", args=[meeting.pk])).content.decode()
    assert "will be published on" in public_page and "Quality and performance" not in public_page
    assert anon.get(reverse("meetings:public-pack", args=[public_pack.pk])).status_code == 404
    assert anon.get(f"/api/v1/meetings/{meeting.pk}/pack/").status_code == 404
    assert anon.get(f"/api/v1/meetings/{meeting.pk}/").json()["agenda"] == []

    # --- a late paper: supplementary and re-issued packs ---------------------------------
    late_item = agenda.item_add(
        actor=sec, meeting=meeting, title="Winter resilience plan", purpose="approval"
    )
    travel(at(1))  # after the due date (10 days before)
    ok(client.post(reverse("meetings:paper-create", args=[late_item.pk]), {"author": sec.pk}))
    ok(
        client.post(
            reverse("meetings:paper", args=[late_item.pk]),
            {"executive_summary": "<p>Winter beds.</p>", "recommendation": "<p>Approve.</p>"},
        )
    )
    ok(client.post(reverse("meetings:paper-approve", args=[late_item.pk])))
    late_item.paper.refresh_from_db()
    assert late_item.paper.is_late
    with django_capture_on_commit_callbacks(execute=True):
        ok(client.post(reverse("meetings:packs-generate", args=[meeting.pk])))
    kinds = list(
        PackVersion.objects.filter(meeting=meeting, variant="members")
        .order_by("number")
        .values_list("kind", flat=True)
    )
    assert kinds == ["full", "supplementary", "reissue"]
    public_pack = selectors.latest_pack(meeting, "public")
    assert public_pack.kind == "reissue" and public_pack.number == 3

    # --- publication date: the public agenda and pack appear ----------------------------
    travel(at(4, hour=0) + datetime.timedelta(minutes=1))
    assert selectors.is_published(meeting)
    public_page = anon.get(reverse("meetings:public-meeting", args=[meeting.pk])).content.decode()
    assert "Quality and performance report" in public_page
    assert "Confidential item — exempt under commercial interests (FOIA s43)" in public_page
    for item_id, n in public_pack.item_pages.items():
        # the agenda's responsive "Page" cell: the column name (phones only), then the page
        assert f'aria-hidden="true">Page </span>{n}</td>' in public_page, (item_id, n)
    pdf = b"".join(
        anon.get(reverse("meetings:public-pack", args=[public_pack.pk])).streaming_content
    )
    assert pdf.startswith(b"%PDF")
    readable = everything_readable(pdf)
    assert "ZEBRA" not in readable and "Winter resilience plan" in readable
    api_pack = anon.get(f"/api/v1/meetings/{meeting.pk}/pack/").json()
    assert api_pack["variant"] == "public" and api_pack["number"] == 3
    client.force_login(people["chair"])
    assert client.get(f"/api/v1/meetings/{meeting.pk}/pack/").json()["variant"] == "members"
    client.force_login(sec)

    # --- the meeting ------------------------------------------------------------------------
    travel(at(10, hour=10) + datetime.timedelta(minutes=30))
    attendance = {
        f"member-{seat.pk}": ("apologies" if key == "nec2" else "present")
        for key, seat in board.seat.items()
    }
    ok(
        client.post(
            reverse("meetings:run", args=[meeting.pk]), {"form": "attendance", **attendance}
        )
    )
    assert selectors.quorum_of(meeting).quorate
    # the expected declaration was recorded from the register when the agenda was published
    declaration = beds.declarations.get()
    assert declaration.person == people["partner_trust"]
    run_page = client.get(reverse("meetings:run", args=[meeting.pk])).content.decode()
    assert "Declared interests for this item" in run_page
    ok(client.post(reverse("meetings:run", args=[meeting.pk]), {"form": "prefill"}))
    assert beds.declarations.count() == 1  # testing the register again adds nothing
    vote = {
        f"vote-{board.seat[k].pk}": "for"
        for k in ("chair", "nec1", "ceo", "cfo", "partner_council")
    }
    # no decision while the chair has not ruled on the declaration
    response = client.post(
        reverse("meetings:conduct", args=[beds.pk]), {"form": "decision", **vote}
    )
    assert response.status_code == 200 and "not yet decided" in response.content.decode()
    ok(
        client.post(
            reverse("meetings:declaration-decide", args=[declaration.pk]),
            {
                f"d{declaration.pk}-handling": "leave",
                f"d{declaration.pk}-chair_decision": "Left the room for the item.",
            },
        )
    )
    ok(
        client.post(
            reverse("meetings:conduct", args=[beds.pk]),
            {"form": "discussion", "discussion": "Members welcomed the expansion."},
        )
    )
    # 6 present, 1 excluded (left the room): 5 may vote, and the excluded member may not
    trust_member = board.seat["partner_trust"]
    response = client.post(
        reverse("meetings:conduct", args=[beds.pk]),
        {"form": "decision", **vote, f"vote-{trust_member.pk}": "for"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "May not vote on this item" in page
    assert f'name="vote-{trust_member.pk}"' not in page  # no vote buttons for the excluded
    ok(
        client.post(
            reverse("meetings:conduct", args=[beds.pk]),
            {
                "form": "decision",
                **vote,
                f"vote-{board.seat['cfo'].pk}": "against",
                "resolution": "Approved: fund 20 step-down beds.",
            },
        )
    )
    decided = beds.decision
    assert (decided.votes_for, decided.votes_against, decided.abstentions) == (4, 1, 0)
    assert sorted(v.choice for v in decided.votes.all()) == ["against"] + ["for"] * 4
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    entry = DecisionEntry.objects.get(proposal=proposal)
    assert entry.committee == board and entry.meeting_item == beds
    assert entry.decided_by.startswith(f"the {board.name}, ")
    assert entry.decided_on == selectors.meeting_date(meeting)

    # the previous meeting's minutes are approved at this meeting's standing item
    prev_item = meeting.items.get(standing_kind=StandingKind.PREVIOUS_MINUTES)
    ok(
        client.post(
            reverse("meetings:conduct", args=[prev_item.pk]),
            {"form": "decision", "outcome": "approved", "resolution": "A true record."},
        )
    )
    prev_minutes = Minutes.objects.get(meeting=past_meeting)
    assert prev_minutes.status == "approved" and prev_minutes.approved_at_item == prev_item
    # the open action from last time is in this meeting's action log: page and pack
    assert past_meeting.action in selectors.action_log(meeting)
    log_item = meeting.items.get(standing_kind=StandingKind.ACTION_LOG)
    log_page = client.get(reverse("meetings:conduct", args=[log_item.pk])).content.decode()
    assert "Report back on the estates disposal plan" in log_page
    assert "Report back on the estates disposal plan" in "".join(texts)

    for item, outcome in ((quality, "assured"), (late_item, "approved"), (secret_item, "approved")):
        data = {"form": "decision", "outcome": outcome}
        if item == secret_item:
            data["resolution"] = f"Proceed with {SECRET}"
        ok(client.post(reverse("meetings:conduct", args=[item.pk]), data))
        ok(
            client.post(
                reverse("meetings:conduct", args=[item.pk]),
                {
                    "form": "discussion",
                    "discussion": f"Discussed {SECRET}." if item == secret_item else "Discussed.",
                },
            )
        )
    ok(
        client.post(
            reverse("meetings:conduct", args=[secret_item.pk]),
            {
                "form": "action",
                "description": f"Negotiate {SECRET}",
                "owner": people["cfo"].pk,
                "due_date": "2030-01-31",
            },
        )
    )
    ok(
        client.post(
            reverse("meetings:conduct", args=[quality.pk]),
            {
                "form": "action",
                "description": "Bring the stroke audit to the next meeting",
                "owner": people["ceo"].pk,
                "due_date": "2030-01-31",
            },
        )
    )
    assert Action.objects.get(description__startswith="Negotiate").is_confidential
    # closing is confirmed on its own page first ("what will happen")
    close = reverse("meetings:meeting-close", args=[meeting.pk])
    assert "can no longer be changed" in client.get(close).content.decode()
    ok(client.post(close, {"confirm": "yes"}))

    # --- minutes: drafted, edited, approved at the next meeting, published ----------------
    ok(client.post(reverse("meetings:minutes", args=[meeting.pk]), {"action": "draft"}))
    mn = Minutes.objects.get(meeting=meeting)
    beds_entry = mn.entries.get(item=beds)
    assert "4 for, 1 against" in beds_entry.text and "Left the room" in beds_entry.text
    assert "Apologies: Fiona Grant" in mn.attendance_text
    ok(
        client.post(
            reverse("meetings:minutes", args=[meeting.pk]),
            {
                "action": "save",
                "attendance_text": mn.attendance_text,
                f"entry-{beds_entry.pk}": beds_entry.text + "\nThe chair thanked the team.",
            },
        )
    )
    refused = client.post(reverse("meetings:minutes", args=[meeting.pk]), {"action": "publish"})
    assert "Only approved minutes can be published" in refused.content.decode()
    mn.refresh_from_db()
    assert mn.status == "draft"

    next_meeting = agenda.meeting_create(
        actor=sec, committee=board, start=at(40), location="Civic Hall"
    )
    assert Action.objects.get(description__startswith="Bring the stroke") in selectors.action_log(
        next_meeting
    )
    travel(at(40, hour=10) + datetime.timedelta(minutes=5))
    for seat in board.seat.values():
        conduct.attendance_record(actor=sec, meeting=next_meeting, member=seat, status="present")
    conduct.item_decide(
        actor=sec,
        item=next_meeting.items.get(standing_kind=StandingKind.PREVIOUS_MINUTES),
        outcome="approved",
    )
    client.force_login(sec)  # the session from 40 days ago has expired
    ok(client.post(reverse("meetings:minutes", args=[meeting.pk]), {"action": "publish"}))
    mn.refresh_from_db()
    assert mn.status == "published"
    public_minutes = anon.get(
        reverse("meetings:public-minutes", args=[meeting.pk])
    ).content.decode()
    assert "The chair thanked the team." in public_minutes
    assert "This item was taken in private" in public_minutes
    assert "ZEBRA" not in public_minutes
    call_command("verify_audit")


def _upload(data: bytes, name: str = "appendix.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_agenda_items_are_items(ics, board):
    """Sanity: a meeting's agenda is its items in order."""
    m = agenda.meeting_create(actor=ics["secretariat"], committee=board, start=at(3), location="X")
    assert list(selectors.agenda(m)) == list(
        AgendaItem.objects.filter(meeting=m).order_by("position")
    )
