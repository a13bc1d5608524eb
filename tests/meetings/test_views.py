"""The secretariat's and members' pages: who may open what, forms with errors next to
fields, and the API's shapes."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from governance.meetings.models import Committee, Part
from governance.meetings.services import actions, agenda, papers
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(ics, board, people, make_meeting):
    sec = ics["secretariat"]
    m = make_meeting(days=-1)
    item = agenda.item_add(actor=sec, meeting=m, title="Performance", purpose="assurance")
    private = agenda.item_add(
        actor=sec,
        meeting=m,
        title="Deal",
        purpose="decision",
        part=Part.PRIVATE,
        exemption_reason="commercial",
    )
    paper = papers.paper_create(actor=sec, item=item, author=ics["proposer"])
    papers.paper_update(actor=sec, paper=paper, executive_summary="<p>All good.</p>")
    action = actions.action_create(
        actor=sec,
        meeting=m,
        item=item,
        description="Follow up",
        owner=people["ceo"],
        due_date=datetime.date(2030, 1, 1),
    )
    return {"meeting": m, "item": item, "private": private, "paper": paper, "action": action}


def pages(board, s):
    m, item = s["meeting"], s["item"]
    return [
        reverse("meetings:index"),
        reverse("meetings:committee", args=[board.pk]),
        reverse("meetings:meeting", args=[m.pk]),
        reverse("meetings:paper", args=[item.pk]),
        reverse("meetings:minutes", args=[m.pk]),
        reverse("meetings:actions"),
    ]


MANAGE = (
    "committee-edit",
    "member-add",
    "meeting-new",
)


def test_secretariat_opens_every_page(client, ics, board, setup):
    client.force_login(ics["secretariat"])
    m, item = setup["meeting"], setup["item"]
    urls = [
        *pages(board, setup),
        reverse("meetings:committee-new"),
        reverse("meetings:committee-edit", args=[board.pk]),
        reverse("meetings:member-add", args=[board.pk]),
        reverse("meetings:member-edit", args=[board.seat["ceo"].pk]),
        reverse("meetings:meeting-new", args=[board.pk]),
        reverse("meetings:meeting-edit", args=[m.pk]),
        reverse("meetings:meeting-cancel", args=[m.pk]),
        reverse("meetings:item-new", args=[m.pk]),
        reverse("meetings:item-edit", args=[item.pk]),
        reverse("meetings:table", args=[m.pk]),
        reverse("meetings:run", args=[m.pk]),
        reverse("meetings:conduct", args=[item.pk]),
        reverse("meetings:conduct", args=[setup["private"].pk]),
        reverse("meetings:action-edit", args=[setup["action"].pk]),
        reverse("meetings:paper", args=[setup["private"].pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


def test_auditor_reads_but_cannot_manage(client, ics, board, setup):
    client.force_login(ics["auditor"])
    for url in pages(board, setup):
        assert client.get(url).status_code == 200, url
    assert (
        "Deal"
        in client.get(reverse("meetings:meeting", args=[setup["meeting"].pk])).content.decode()
    )
    for name in MANAGE:
        assert client.get(reverse(f"meetings:{name}", args=[board.pk])).status_code == 403
    assert client.get(reverse("meetings:run", args=[setup["meeting"].pk])).status_code == 403
    assert (
        client.post(reverse("meetings:packs-generate", args=[setup["meeting"].pk])).status_code
        == 403
    )


def test_member_reads_private_but_cannot_manage(client, people, board, setup):
    client.force_login(people["chair"])
    page = client.get(reverse("meetings:meeting", args=[setup["meeting"].pk])).content.decode()
    assert "Deal" in page and "Generate packs" not in page
    assert client.get(reverse("meetings:conduct", args=[setup["item"].pk])).status_code == 403


def test_paper_author_outside_committee_edits_own_paper(client, ics, setup):
    client.force_login(ics["proposer"])
    url = reverse("meetings:paper", args=[setup["item"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"executive_summary": "<p>Revised <b>summary</b></p>"})
    assert response.status_code == 302
    setup["paper"].refresh_from_db()
    assert setup["paper"].executive_summary == "<p>Revised <b>summary</b></p>"
    assert client.post(reverse("meetings:paper-submit", args=[setup["item"].pk])).status_code == 302
    setup["paper"].refresh_from_db()
    assert setup["paper"].status == "submitted"
    # but not approve it, nor see other items' pages
    assert (
        client.post(reverse("meetings:paper-approve", args=[setup["item"].pk])).status_code == 403
    )
    assert client.get(reverse("meetings:paper", args=[setup["private"].pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in(board, setup):
    client = Client()
    for url in pages(board, setup):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response.url


def test_committee_form_shows_errors_by_field(client, ics):
    client.force_login(ics["secretariat"])
    response = client.post(
        reverse("meetings:committee-new"),
        {
            "name": "Finance and Performance Committee",
            "kind": "committee",
            "organisation": ics["icb"].pk,
            "papers_due_days": 7,
            "publication_clear_days": 5,
        },
    )
    assert response.status_code == 200
    assert "Give a minimum number of members, a fraction, or both." in response.content.decode()
    assert not Committee.objects.filter(name="Finance and Performance Committee").exists()
    response = client.post(
        reverse("meetings:committee-new"),
        {
            "name": "Finance and Performance Committee",
            "kind": "committee",
            "organisation": ics["icb"].pk,
            "quorum_min_members": 3,
            "required_executive": 1,
            "required_non_executive": 1,
            "chair_counts_as_non_executive": "on",
            "chair_has_casting_vote": "on",
            "papers_due_days": 7,
            "publication_clear_days": 5,
        },
    )
    c = Committee.objects.get(name="Finance and Performance Committee")
    assert response.url == reverse("meetings:committee", args=[c.pk])
    assert c.quorum_required_roles == {"executive": 1, "non_executive|chair|vice_chair": 1}


def test_meeting_form_and_reorder(client, ics, board):
    client.force_login(ics["secretariat"])
    response = client.post(
        reverse("meetings:meeting-new", args=[board.pk]),
        {"start": at(30).strftime("%Y-%m-%dT%H:%M"), "session": "public"},
    )
    assert response.status_code == 200
    assert "Give the place of the meeting or an online link." in response.content.decode()
    m = agenda.meeting_create(actor=ics["secretariat"], committee=board, start=at(30), location="X")
    last = m.items.order_by("-position").first()
    response = client.post(reverse("meetings:item-move", args=[last.pk]), {"direction": "up"})
    assert response.status_code == 302
    last.refresh_from_db()
    assert last.position == 5


def test_api_shapes(client, ics, people, board, setup):
    client.force_login(people["chair"])
    committees = client.get("/api/v1/committees/").json()
    board_json = next(c for c in committees["results"] if c["id"] == board.pk)
    assert board_json["quorum"]["fraction"] == "0.500"
    assert len(board_json["members"]) == 8
    meetings = client.get("/api/v1/meetings/").json()["results"]
    assert meetings[0]["id"] == setup["meeting"].pk
    detail = client.get(f"/api/v1/meetings/{setup['meeting'].pk}/").json()
    assert [i["number"] for i in detail["agenda"]] == list(range(1, 10))
    assert detail["agenda"][7]["title"] == "Resolution to exclude the public"
    assert detail["agenda"][8]["title"] == "Deal"
    actions_json = client.get("/api/v1/actions/").json()["results"]
    assert actions_json[0]["reference"] == setup["action"].reference
    assert client.get("/api/v1/meetings/999999/").status_code == 404
    # another organisation's signatory sees only what the public sees
    client.force_login(ics["outsider"])
    detail = client.get(f"/api/v1/meetings/{setup['meeting'].pk}/").json()
    assert detail["agenda_view"] == "public" and detail["agenda"] == []  # not yet published
    assert client.get(f"/api/v1/meetings/{setup['meeting'].pk}/pack/").status_code == 404


def test_api_generate_packs(
    client, ics, people, setup, private_root, django_capture_on_commit_callbacks
):
    url = f"/api/v1/meetings/{setup['meeting'].pk}/generate-packs/"
    assert Client().post(url).status_code in (401, 403)
    client.force_login(people["chair"])
    assert client.post(url).status_code == 403
    client.force_login(ics["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 202
    jobs = response.json()
    assert sorted(j["variant"] for j in jobs) == ["members", "public"]
    assert all(j["status_url"] == f"/api/v1/jobs/{j['id']}/" for j in jobs)
    # now up to date: a clear 400
    response = client.post(url)
    assert response.status_code == 400 and "up to date" in response.json()["detail"]


def test_paper_page_never_outputs_unsanitised_html(client, people, setup):
    from governance.meetings.models import Paper

    Paper.objects.filter(pk=setup["paper"].pk).update(
        body='<script>alert("x")</script><p onclick="evil()">Body</p>',
        risks='<img src="https://tracker.example/x.png" onerror="evil()">',
    )
    client.force_login(people["chair"])  # a member: reads the paper, cannot edit it
    page = client.get(reverse("meetings:paper", args=[setup["item"].pk])).content.decode()
    assert "<p>Body</p>" in page
    assert "<script>alert" not in page and "onclick" not in page and "onerror" not in page
    assert "tracker.example" not in page
