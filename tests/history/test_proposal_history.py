"""A proposal's whole story on one page: returned, resubmitted, a conflicted signatory,
a deputy signing, the board's meeting with a declaration, the minute and the register."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decisions import services
from decisions.models import DecisionEntry, ProposalStatus
from governance.deputies.services import deputy_appoint
from governance.interests.services import interest_declare
from governance.meetings.models import CommitteeRole, Declaration
from governance.meetings.services import agenda, committees, conduct, declarations, minutes
from governance.organisations.models import Role
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide
from tests.history.conftest import named

pytestmark = pytest.mark.django_db


def _sign(ics, user, proposal, comment=""):
    signoff = open_signoffs_for(user).filter(subject_id=proposal.pk).first()
    assert signoff is not None, f"{user} has nothing to sign"
    signoff_decide(actor=user, signoff=signoff, outcome="approve", comment=comment)


@pytest.fixture
def story(ics, make_proposal, sord_board, make_user):
    """A £750,000 proposal reserved to the board, through every kind of step."""
    sec = named(ics["secretariat"], "Priya", "Shah")
    named(ics["proposer"], "Tom", "Reed")
    trust_sign = named(ics["trust_sign"], "Alex", "Morgan")
    named(ics["trust_sign2"], "Bea", "Lang")
    council_sign = named(ics["council_sign"], "Sam", "Smith")
    named(ics["vcse_sign"], "Val", "Ode")
    icb_sign = named(ics["icb_sign"], "Dee", "Fraser")
    # the trust's first signatory has an interest in the VCSE partner: conflicted
    interest_declare(
        actor=trust_sign,
        person=trust_sign,
        interest_type="financial",
        description="Trustee of VCSE Alliance",
        related_organisation=ics["vcse"],
        valid_from=datetime.date(2020, 1, 1),
    )
    # so has a board member, who declares it at the meeting
    interest_declare(
        actor=icb_sign,
        person=icb_sign,
        interest_type="non_financial_professional",
        description="Adviser to VCSE Alliance",
        related_organisation=ics["vcse"],
        valid_from=datetime.date(2020, 1, 1),
    )
    deputy = named(make_user(ics["council"], Role.MEMBER, "council_deputy"), "Jo", "Bloggs")
    deputy_appoint(
        actor=sec,
        principal=council_sign,
        deputy=deputy,
        organisation=ics["council"],
        valid_from=timezone.localdate(),
        valid_to=timezone.localdate() + datetime.timedelta(days=13),
        reason="Annual leave",
    )
    p = make_proposal("750000", title="Community beds")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(
        actor=sec, proposal=p, accept=False, reason="Add the options considered"
    )
    services.proposal_update(
        actor=ics["proposer"], proposal=p, options_considered="Spot purchase; do nothing."
    )
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=sec, proposal=p, accept=True)
    _sign(ics, ics["trust_sign2"], p, comment="Within the trust's capacity plan")
    _sign(ics, deputy, p, comment="Agreed for the council")
    _sign(ics, ics["vcse_sign"], p)
    p.refresh_from_db()
    assert p.status == ProposalStatus.READY_FOR_DECISION
    # the board meets, the member declares the interest and leaves the room
    for username, role in (
        ("board_chair", CommitteeRole.CHAIR),
        ("board_ned", CommitteeRole.NON_EXECUTIVE),
    ):
        committees.member_add(
            actor=sec,
            committee=sord_board,
            user=named(make_user(ics["icb"], Role.MEMBER, username), "Chris", username[6:].title()),
            organisation=ics["icb"],
            role=role,
            valid_from=datetime.date(2020, 1, 1),
        )
    committees.member_add(
        actor=sec,
        committee=sord_board,
        user=icb_sign,
        organisation=ics["icb"],
        role=CommitteeRole.EXECUTIVE,
        valid_from=datetime.date(2020, 1, 1),
    )
    meeting = agenda.meeting_create(
        actor=sec,
        committee=sord_board,
        start=timezone.now() - datetime.timedelta(minutes=5),
        location="Boardroom",
    )
    item = agenda.item_table_subject(actor=sec, meeting=meeting, subject=p)
    declarations.declarations_prefill(actor=sec, meeting=meeting)
    declaration = Declaration.objects.get(item=item, person=icb_sign)
    declarations.declaration_decide(
        actor=sec,
        declaration=declaration,
        chair_decision="The chair asked the member to leave for this item.",
        handling="no_vote",
    )
    for seat in sord_board.members.on():
        conduct.attendance_record(actor=sec, meeting=meeting, member=seat, status="present")
    conduct.item_decide(
        actor=sec, item=item, outcome="approved", resolution="Approved as proposed."
    )
    agenda.meeting_close(actor=sec, meeting=meeting)
    minutes.minutes_draft(actor=sec, meeting=meeting)
    p.refresh_from_db()
    return {"proposal": p, "item": item, "deputy": deputy, "meeting": meeting}


def _text(response) -> str:
    html = response.content.decode()
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _in_order(text: str, *parts: str) -> None:
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} missing after position {at}"
        at = found + len(part)


def test_the_whole_story_in_order_with_names_organisations_reasons_and_delegation(ics, story):
    p = story["proposal"]
    client = Client()
    client.force_login(ics["auditor"])
    response = client.get(reverse("history:detail", args=["proposal", p.pk]))
    assert response.status_code == 200
    text = _text(response)
    _in_order(
        text,
        "Raised as a draft",
        "Tom Reed, Acute Trust",
        "Submitted for secretariat review",
        "Returned to the proposer",
        "Priya Shah",
        "Reason: Add the options considered",
        "Edited",
        "Options considered",
        "Spot purchase; do nothing.",
        "Resubmitted after revision",
        "Accepted by the secretariat",
        "Conflict of interest recorded",
        "Reason: Excluded from signing off for Acute Trust",
        "Financial interest in VCSE Alliance: Trustee of VCSE Alliance",
        "Alex Morgan",  # the conflicted signatory, named (not an id)
        "Signed off: approved",
        "Bea Lang, Acute Trust",
        "Reason: Within the trust's capacity plan",
        "Awaiting sign-off",
        "Signed off: approved",
        "Jo Bloggs, City Council",
        "Reason: Agreed for the council",
        "Jo Bloggs for Sam Smith (deputy",
        "Partner sign-off complete",
        "Decision recorded: approved",
        "Entered in the decision register",
    )
    # the frame: the delegation, the meeting, the declaration and its handling, the minute
    assert "SoRD v1, band: Service commissioning: £500,000 and above" in text
    assert "ICB Board" in text and "item " in text and "Part 1 (public)" in text
    assert "Dee Fraser: Non-financial professional interest in VCSE Alliance: Adviser" in text
    assert "Takes part in the discussion without voting" in text
    assert "Minute" in text and "Approved as proposed." in text
    entry = DecisionEntry.objects.get(proposal=p)
    assert f"{entry.reference}: Approved" in text
    # never raw JSON or bare ids in the before/after tables
    assert '{"before"' not in text and '"after":' not in text
    assert "£750,000" in text


def test_the_meeting_items_history_tells_the_declaration_and_decision(ics, story):
    client = Client()
    client.force_login(ics["secretariat"])
    response = client.get(reverse("history:detail", args=["meeting-item", story["item"].pk]))
    assert response.status_code == 200
    text = _text(response)
    _in_order(text, "Dee Fraser", "Takes part in the discussion without voting")
    assert "About" in text and "Community beds" in text
    assert "Approved as proposed." in text


def test_another_organisation_gets_404_for_a_confidential_proposal_and_writes_nothing(
    ics, make_proposal
):
    from governance.audit.models import AuditEvent, ReadAccess

    p = make_proposal(
        "50000", is_confidential=True, exemption_reason="Commercial negotiations in progress"
    )
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    client = Client()
    client.force_login(ics["outsider"])
    events, reads = AuditEvent.objects.count(), ReadAccess.objects.count()
    for name in ("history:detail", "history:pdf"):
        assert client.get(reverse(name, args=["proposal", p.pk])).status_code == 404
    assert client.get(reverse("history:detail", args=["no-such-kind", p.pk])).status_code == 404
    assert (AuditEvent.objects.count(), ReadAccess.objects.count()) == (events, reads)
    # a party sees it (and the view of a confidential record is recorded)
    client.force_login(ics["council_sign"])
    assert client.get(reverse("history:detail", args=["proposal", p.pk])).status_code == 200
    read = ReadAccess.objects.get()
    assert (read.user, read.how, read.target_id) == (ics["council_sign"], "page", str(p.pk))


def test_anonymous_is_sent_to_sign_in(story):
    response = Client().get(reverse("history:detail", args=["proposal", story["proposal"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_history_prints_to_pdf(ics, story):
    client = Client()
    client.force_login(ics["proposer"])
    response = client.get(reverse("history:pdf", args=["proposal", story["proposal"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "inline; filename=" in response["Content-Disposition"]


def test_the_proposal_page_links_to_its_full_history(ics, story):
    client = Client()
    client.force_login(ics["proposer"])
    p = story["proposal"]
    page = client.get(reverse("decisions:proposal-detail", args=[p.pk])).content.decode()
    assert reverse("history:detail", args=["proposal", p.pk]) in page
