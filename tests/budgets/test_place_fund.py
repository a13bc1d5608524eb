"""A Better Care Fund hosted at place: after its partners sign an allocation off, the
committee the SoRD names for the amount decides it at a meeting — the place partnership
within its delegation (no ICB approval), the ICB board above it — and the decision is in
the minutes, the decision register and the public portal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from budgets import balances, services
from budgets.models import Allocation, AllocationStatus
from budgets.services.place import fund_host_at_place
from decisions.models import DecisionEntry
from governance.meetings import publication
from governance.meetings.services import agenda, conduct
from governance.organisations.models import Role
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.services import signoff_decide
from tests.decisions.conftest import (  # noqa: F401  (fixtures)
    board_decides,
    decision_type,
    finance_post,
    fpc,
    ics,
    make_proposal,
    sord_board,
    sord_v1,
)
from tests.decisions.test_place_delegation import place, place_type  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def bcf(ics, make_user, place, place_type):  # noqa: F811
    """The City Better Care Fund (ICB and council), hosted at the City place."""
    sec = ics["secretariat"]
    manager = make_user(ics["council"], Role.MEMBER, "bcf_manager")
    fund = services.fund_create(
        actor=sec,
        name="City Better Care Fund",
        agreement_reference="S75-CITY-BCF-2026",
        host_organisation=ics["council"],
        pool_manager=manager,
        financial_year=2026,
    )
    services.scheme_line_add(
        actor=sec, fund=fund, code="S1", name="Discharge to assess", budget="3000000"
    )
    for org, amount in ((ics["icb"], "2000000"), (ics["council"], "1000000")):
        services.contribution_set(actor=sec, fund=fund, organisation=org, amount=amount)
    services.fund_activate(actor=sec, fund=fund)
    fund = fund_host_at_place(
        actor=sec,
        fund=fund,
        committee=place,
        decision_type_code=place_type.code,
        reason="The ICB board delegated the Better Care Fund to the City place.",
    )
    fund.manager = manager
    return fund


def _signed_off(ics, fund, amount):  # noqa: F811
    a = services.allocation_create(
        actor=fund.manager,
        fund=fund,
        scheme_line=fund.lines.get(code="S1"),
        recipient=ics["trust"],
        amount=amount,
        purpose="Discharge-to-assess beds for the winter.",
    )
    services.allocation_review(actor=fund.manager, allocation=a, accept=True)
    for who, org in (("icb_sign", ics["icb"]), ("council_sign", ics["council"])):
        signoff = SignOff.objects.get(
            subject_type__model="allocation",
            subject_id=a.pk,
            organisation=org,
            status=SignOffStatus.PENDING,
        )
        signoff_decide(actor=ics[who], signoff=signoff, outcome="approve")
    return Allocation.objects.get(pk=a.pk)


def _meeting(ics, committee):  # noqa: F811
    sec = ics["secretariat"]
    meeting = agenda.meeting_create(
        actor=sec,
        committee=committee,
        start=timezone.now() - datetime.timedelta(minutes=5),
        location="City Town Hall",
    )
    for seat in committee.members.on():
        conduct.attendance_record(actor=sec, meeting=meeting, member=seat, status="present")
    return meeting


def test_within_the_delegation_the_place_decides_and_the_money_is_committed(ics, bcf, place):  # noqa: F811
    a = _signed_off(ics, bcf, "420000")
    assert a.status == AllocationStatus.AWAITING_DECISION
    assert balances.fund_position(bcf.pk).committed == 0  # nothing committed before the decision
    meeting = _meeting(ics, place)
    item = agenda.item_table_subject(actor=ics["secretariat"], meeting=meeting, subject=a)
    conduct.item_decide(
        actor=ics["secretariat"], item=item, outcome="approved", resolution="Agreed."
    )
    a.refresh_from_db()
    assert a.status == AllocationStatus.COMMITTED
    assert balances.fund_position(bcf.pk).committed == Decimal("420000")
    entry = DecisionEntry.objects.get(reference=a.reference)
    assert entry.proposal is None and entry.subject_id == a.pk
    assert entry.committee == place and entry.meeting_item == item
    assert entry.statement.startswith("Approved by the City Place Partnership Board, ")
    assert "under SoRD v2, band £0 up to £1,000,000" in entry.statement
    assert entry.title.startswith("City Better Care Fund: £420,000")
    meeting = agenda.meeting_close(actor=ics["secretariat"], meeting=meeting)
    [public] = publication.public_decisions(meeting)
    assert a.reference in public.title or "City Better Care Fund" in public.title


def test_the_register_lists_it_for_the_public(client, ics, bcf, place):  # noqa: F811
    a = _signed_off(ics, bcf, "250000")
    item = agenda.item_table_subject(
        actor=ics["secretariat"], meeting=_meeting(ics, place), subject=a
    )
    conduct.item_decide(actor=ics["secretariat"], item=item, outcome="approved")
    page = client.get("/decisions/").content.decode()
    assert a.reference in page
    detail = client.get(f"/decisions/{a.reference}/").content.decode()
    assert "City Place Partnership Board" in detail
    api = client.get(f"/api/v1/decisions/{a.reference}/").json()
    assert api["proposal"] is None and api["outcome"] == "approved"


def test_above_the_delegation_it_is_for_the_icb_board(ics, bcf, place, sord_board):  # noqa: F811
    a = _signed_off(ics, bcf, "1500000")
    assert a.status == AllocationStatus.AWAITING_DECISION
    with pytest.raises(ValidationError, match="ICB Board"):
        agenda.item_table_subject(actor=ics["secretariat"], meeting=_meeting(ics, place), subject=a)
    a.refresh_from_db()
    assert a.status == AllocationStatus.AWAITING_DECISION
    assert not DecisionEntry.objects.filter(reference=a.reference).exists()


def test_the_place_can_decline_and_nothing_is_committed(ics, bcf, place):  # noqa: F811
    a = _signed_off(ics, bcf, "300000")
    item = agenda.item_table_subject(
        actor=ics["secretariat"], meeting=_meeting(ics, place), subject=a
    )
    conduct.item_decide(
        actor=ics["secretariat"], item=item, outcome="rejected", resolution="Fund it from S2."
    )
    a.refresh_from_db()
    assert a.status == AllocationStatus.DECLINED and a.failure_reason == "Fund it from S2."
    assert balances.fund_position(bcf.pk).committed == 0
    assert DecisionEntry.objects.get(reference=a.reference).outcome == "rejected"


def test_only_through_a_meeting_of_the_deciding_committee(ics, bcf, place, sord_board):  # noqa: F811
    a = _signed_off(ics, bcf, "200000")
    board_item = agenda.item_add(
        actor=ics["secretariat"],
        meeting=_meeting(ics, sord_board),
        title="Other business",
        purpose="decision",
    )
    with pytest.raises(ValidationError, match="for the City Place Partnership Board to decide"):
        services.allocation_decide_at_meeting(
            actor=ics["secretariat"], allocation=a, outcome="approved", item=board_item
        )
    a.refresh_from_db()
    assert a.status == AllocationStatus.AWAITING_DECISION


def test_hosting_at_place_is_checked(ics, bcf, place, sord_board, make_user):  # noqa: F811
    sec = ics["secretariat"]
    with pytest.raises(PermissionDenied):
        fund_host_at_place(
            actor=ics["council_sign"],
            fund=bcf,
            committee=place,
            decision_type_code="place-city",
            reason="x",
        )
    with pytest.raises(ValidationError) as err:
        fund_host_at_place(
            actor=sec, fund=bcf, committee=sord_board, decision_type_code="", reason=""
        )
    assert set(err.value.message_dict) == {"host_committee", "decision_type_code", "reason"}
    with pytest.raises(ValidationError, match="no decision type"):
        fund_host_at_place(
            actor=sec, fund=bcf, committee=place, decision_type_code="nope", reason="Delegated."
        )
    with pytest.raises(ValidationError, match="does not delegate"):
        fund_host_at_place(
            actor=sec,
            fund=bcf,
            committee=place,
            decision_type_code="commissioning",
            reason="Delegated.",
        )


def test_a_fund_not_hosted_at_place_commits_at_sign_off(ics, make_user, place_type):  # noqa: F811
    sec = ics["secretariat"]
    manager = make_user(ics["council"], Role.MEMBER, "pm2")
    fund = services.fund_create(
        actor=sec,
        name="Carers Pool",
        agreement_reference="S75-C",
        host_organisation=ics["council"],
        pool_manager=manager,
        financial_year=2026,
    )
    services.scheme_line_add(actor=sec, fund=fund, code="S1", name="Breaks", budget="500000")
    services.contribution_set(actor=sec, fund=fund, organisation=ics["icb"], amount="500000")
    services.fund_activate(actor=sec, fund=fund)
    fund.manager = manager
    a = _signed_off_icb_only(ics, fund)
    assert a.status == AllocationStatus.COMMITTED
    assert not DecisionEntry.objects.filter(reference=a.reference).exists()


def _signed_off_icb_only(ics, fund):  # noqa: F811
    a = services.allocation_create(
        actor=fund.manager,
        fund=fund,
        scheme_line=fund.lines.get(code="S1"),
        recipient=ics["vcse"],
        amount="1000",
        purpose="Breaks.",
    )
    services.allocation_review(actor=fund.manager, allocation=a, accept=True)
    signoff = SignOff.objects.get(subject_type__model="allocation", subject_id=a.pk)
    signoff_decide(actor=ics["icb_sign"], signoff=signoff, outcome="approve")
    return Allocation.objects.get(pk=a.pk)


def test_the_secretariat_hosts_a_fund_at_place_on_its_page(
    client,
    ics,  # noqa: F811
    make_user,
    place,  # noqa: F811
    place_type,  # noqa: F811
):
    sec = ics["secretariat"]
    manager = make_user(ics["council"], Role.MEMBER, "pm3")
    fund = services.fund_create(
        actor=sec,
        name="City Carers Fund",
        agreement_reference="S75-CC",
        host_organisation=ics["council"],
        pool_manager=manager,
        financial_year=2026,
    )
    url = f"/funds/{fund.pk}/host-at-place/"
    client.force_login(ics["council_sign"])
    assert client.get(url).status_code == 403
    client.force_login(sec)
    page = client.get(url)
    assert page.status_code == 200 and "City Place Partnership Board" in page.content.decode()
    bad = client.post(
        url, {"host_committee": place.pk, "decision_type_code": "nope", "reason": "x"}
    )
    assert bad.status_code == 400 and "no decision type" in bad.content.decode()
    fund.refresh_from_db()
    assert fund.host_committee is None
    done = client.post(
        url,
        {"host_committee": place.pk, "decision_type_code": place_type.code, "reason": "Delegated."},
    )
    assert done.status_code == 302
    fund.refresh_from_db()
    assert fund.host_committee == place and fund.decision_type_code == place_type.code
    assert "Hosted at place" in client.get(f"/funds/{fund.pk}/").content.decode()
