# ruff: noqa: F811 - the fixtures imported from the decisions and meetings suites
"""The search index follows every change to what a document shows or who may see it,
in the same transaction as the change (not on commit): an item moved from Part 1 to
Part 2 leaves public search at once; moved back, it is found again; a meeting moved to
another day, a renamed committee and a removed item are reflected without a rebuild."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from governance.meetings.models import MeetingStatus, Part
from governance.meetings.services import agenda, committees, papers
from governance.search.models import Audience, Kind, SearchDocument
from governance.search.query import search
from tests.decisions.conftest import ics  # noqa: F401
from tests.meetings.conftest import (  # noqa: F401
    _media_and_hashers,
    at,
    board,
    make_meeting,
    people,
)

pytestmark = pytest.mark.django_db
EXEMPT = "commercial interests (FOIA s43)"


def _paper(sec, meeting, title, text, part=Part.PUBLIC):
    extra = {"exemption_reason": EXEMPT} if part == Part.PRIVATE else {}
    item = agenda.item_add(
        actor=sec, meeting=meeting, title=title, purpose="decision", part=part, **extra
    )
    paper = papers.paper_create(actor=sec, item=item)
    papers.paper_update(actor=sec, paper=paper, executive_summary=f"<p>{text}</p>")
    papers.paper_approve(actor=sec, paper=paper)
    return item, paper


def _issue(sec, meeting):
    """Issue the papers (what ``packs_generate`` does once the packs are rendered)."""
    agenda.meeting_set_status(sec, meeting, MeetingStatus.ISSUED, "meeting.papers_issued")


def _public_hits(q):
    return search(None, q, public=True).total


def _public_doc(paper):
    return SearchDocument.objects.filter(
        kind=Kind.PAPER, object_id=paper.pk, audience=Audience.PUBLIC
    )


def test_a_part_1_item_moved_to_part_2_leaves_public_search_in_the_same_transaction(
    ics, board, make_meeting
):
    sec = ics["secretariat"]
    meeting = make_meeting(days=3)
    item, paper = _paper(sec, meeting, "Community diagnostics centre", "Nightingale wing lease")
    _issue(sec, meeting)
    assert _public_hits("nightingale") == 1
    assert "Community diagnostics centre" in (
        Client().get("/public/search/", {"q": "nightingale"}).content.decode()
    )
    # a refused move changes nothing, in the record or the index
    with pytest.raises(ValidationError):
        agenda.item_update(actor=sec, item=item, part=Part.PRIVATE, exemption_reason="")
    assert _public_doc(paper).exists() and _public_hits("nightingale") == 1

    # no on-commit callback runs in this test: the index changed with the move itself
    agenda.item_update(actor=sec, item=item, part=Part.PRIVATE, exemption_reason=EXEMPT)
    assert not _public_doc(paper).exists()
    assert _public_hits("nightingale") == 0
    page = Client().get("/public/search/", {"q": "nightingale"}).content.decode()
    assert "0 results" in page and "Community diagnostics centre" not in page
    # members still find it, by its private page
    chair = board.seat["chair"].user
    hits = search(chair, "nightingale").hits
    assert [h.url for h in hits] == [f"/meetings/items/{item.pk}/paper/"]
    assert _public_hits("nightingale") == 0 and search(ics["vcse_sign"], "nightingale").total == 0


def test_a_part_2_item_moved_to_part_1_is_found_by_the_public_search(ics, board, make_meeting):
    sec = ics["secretariat"]
    meeting = make_meeting(days=3)
    item, paper = _paper(sec, meeting, "Estates strategy", "Kingfisher house", Part.PRIVATE)
    _issue(sec, meeting)
    assert _public_hits("kingfisher") == 0 and not _public_doc(paper).exists()
    agenda.item_update(actor=sec, item=item, part=Part.PUBLIC)
    assert _public_hits("kingfisher") == 1
    (hit,) = search(None, "kingfisher", public=True).hits
    assert hit.url == f"/public/meetings/{meeting.pk}/"
    assert "<mark>Kingfisher</mark>" in hit.snippet


def test_a_meeting_moved_to_another_day_moves_its_documents(ics, board, make_meeting):
    sec = ics["secretariat"]
    meeting = make_meeting(days=40)
    _, paper = _paper(sec, meeting, "Winter plan", "Escalation beds at Pinderfields")
    _issue(sec, meeting)
    # 40 days away: published 5 clear days before, so not yet
    assert _public_hits("pinderfields") == 0
    new_start = at(3)
    agenda.meeting_update(actor=sec, meeting=meeting, start=new_start, reason="Brought forward")
    doc = _public_doc(paper).get()
    assert f"{new_start:%-d %B %Y}" in doc.title
    assert doc.public_from == new_start.date() - datetime.timedelta(days=6)
    private = SearchDocument.objects.get(
        kind=Kind.PAPER, object_id=paper.pk, audience=Audience.PRIVATE
    )
    assert private.title == doc.title
    assert _public_hits("pinderfields") == 1
    # and postponed again: the public copy waits for the new publication day
    agenda.meeting_update(actor=sec, meeting=meeting, start=at(60), reason="Postponed")
    assert _public_hits("pinderfields") == 0


def test_a_renamed_committee_and_a_removed_item_are_reflected(ics, board, make_meeting):
    sec = ics["secretariat"]
    meeting = make_meeting(days=3)
    item, paper = _paper(sec, meeting, "Stroke pathway", "Hyperacute stroke unit")
    committees.committee_update(actor=sec, committee=board, name="Northmere ICB Board")
    doc = SearchDocument.objects.get(kind=Kind.PAPER, object_id=paper.pk, audience="private")
    assert "(Northmere ICB Board," in doc.title
    agenda.item_remove(actor=sec, item=item, reason="Withdrawn by the author")
    assert not SearchDocument.objects.filter(kind=Kind.PAPER, object_id=paper.pk).exists()
    assert search(board.seat["chair"].user, "hyperacute").total == 0
