# ruff: noqa: F811 - the fixtures imported from the decisions and meetings suites
"""/search/ and /public/search/ cost the same number of queries however many records
match: hits are counted, ranked, paged and permission-checked in SQL, and snippets are
made for the page's rows only. Measured with N matching proposals and papers (some
confidential, some Part 2), then with 5N more, for a signatory, the secretariat, an
auditor and anonymous (the portal)."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.meetings.models import MeetingStatus, Part
from governance.meetings.services import agenda, papers
from tests.decisions.conftest import (  # noqa: F401
    decision_type,
    finance_post,
    fpc,
    ics,
    make_proposal,
    sord_v1,
)
from tests.meetings.conftest import (  # noqa: F401
    _media_and_hashers,
    board,
    make_meeting,
    people,
    sord_board,
)

pytestmark = pytest.mark.django_db
N = 2
# session and user, the permission facts (memoised per request: up to five for a partner
# signatory), the per-kind counts, the page, its snippets, the page's own navigation
BUDGET = 13
WORD = "hydrotherapy"


@pytest.fixture
def grow(ics, board, make_meeting, make_proposal):
    sec = ics["secretariat"]
    meeting = make_meeting(days=3)
    agenda.meeting_set_status(sec, meeting, MeetingStatus.ISSUED, "meeting.papers_issued")
    counter = itertools.count(1)

    def add(k):
        for _ in range(k):
            n = next(counter)
            make_proposal(title=f"Pool {n}", summary=f"A {WORD} pool for the ward, phase {n}.")
            make_proposal(
                title=f"Lease {n}",
                summary=f"A {WORD} suite lease {n}.",
                is_confidential=True,
                exemption_reason="commercial interests (FOIA s43)",
            )
            for part in (Part.PUBLIC, Part.PRIVATE):
                extra = {"exemption_reason": "commercial interests"} if part == Part.PRIVATE else {}
                item = agenda.item_add(
                    actor=sec,
                    meeting=meeting,
                    title=f"Item {n}",
                    purpose="noting",
                    part=part,
                    **extra,
                )
                paper = papers.paper_create(actor=sec, item=item)
                papers.paper_update(
                    actor=sec, paper=paper, executive_summary=f"<p>{WORD} service {n}</p>"
                )
                papers.paper_approve(actor=sec, paper=paper)

    return add


def _queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"q": WORD})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.context["results"].total


def test_search_queries_do_not_grow_with_matching_rows(ics, board, grow):
    clients = {"/public/search/ anonymous": ("/public/search/", Client())}
    for who in ("trust_sign", "secretariat", "auditor", "vcse_sign"):
        client = Client()
        client.force_login(ics[who])
        clients[f"/search/ {who}"] = ("/search/", client)
    clients["/search/ a board member"] = ("/search/", Client())
    clients["/search/ a board member"][1].force_login(board.seat["nec1"].user)
    grow(N)
    small = {name: _queries(client, url) for name, (url, client) in clients.items()}
    grow(5 * N)
    large = {name: _queries(client, url) for name, (url, client) in clients.items()}
    for name in clients:
        (q1, hits1), (q2, hits2) = small[name], large[name]
        assert q1 == q2, f"{name}: {q1} queries with {hits1} hits, {q2} with {hits2}"
        assert q2 <= BUDGET, f"{name}: {q2} queries (budget {BUDGET})"
    # the matching rows did grow (so the test measures something), by who may see them
    assert large["/public/search/ anonymous"][1] == 6 * N  # the Part 1 papers only
    assert large["/search/ secretariat"][1] > small["/search/ secretariat"][1] >= 3 * N
    assert large["/search/ vcse_sign"][1] > small["/search/ vcse_sign"][1]
