"""Capital prioritisation: bids (own partner only, bad input), the stated score and the
committee's adjustment, a programme over the envelope refused with the headroom shown,
an approved programme becoming the partners' capital lines once they sign it off."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets.models import (
    CapitalProgramme,
    CapitalScheme,
    ProgrammeStatus,
    SchemeStatus,
    VariationStatus,
)
from budgets.services import capital as svc
from decisions.models import DecisionEntry
from governance.audit.models import AuditEvent
from governance.signoffs.models import SignOff
from tests.budgets.envelope_fixtures import committee_decides, finance_committee, sign_round  # noqa: F401

pytestmark = pytest.mark.django_db


def bid(
    p,
    envelope,
    key="acute",
    title="Theatre ventilation",
    category="backlog",
    costs=None,
    risk=16,
    **kw,
):
    return svc.scheme_bid(
        actor=p[kw.pop("actor", f"{key}_lead")],
        envelope=envelope,
        organisation=p[key],
        title=title,
        category=category,
        costs=costs or {2026: "4000000.00", 2027: "1500000.00"},
        risk_score_addressed=risk,
        **kw,
    )


def test_bid_scored_by_the_stated_criteria(make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope()
    scheme = bid(p, envelope)
    assert scheme.score == Decimal("62.00")  # 2 × 16 + 30 for backlog maintenance
    assert scheme.status == SchemeStatus.BID
    assert [(c.financial_year, c.amount) for c in scheme.costs.all()] == [
        (2026, Decimal("4000000.00")),
        (2027, Decimal("1500000.00")),
    ]


@pytest.mark.parametrize("who", ["mh_lead", "acute_member", "icb_sec", "auditor", "outsider"])
def test_only_the_partners_finance_lead_bids_for_it(make_envelope, env_parties, who):
    with pytest.raises(PermissionDenied):
        bid(env_parties, make_envelope(), actor=who)
    assert not CapitalScheme.objects.exists()


def test_bad_bid_names_the_fields_and_writes_nothing(make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope()
    with pytest.raises(ValidationError) as exc:
        bid(
            p,
            envelope,
            title="",
            category="yachts",
            costs={2031: "-5", "soon": "1"},
            risk=40,
            business_case=b"<html>not a pdf</html>",
        )
    assert set(exc.value.message_dict) == {
        "title",
        "category",
        "costs",
        "risk_score_addressed",
        "business_case",
    }
    assert not CapitalScheme.objects.exists()


def test_committee_adjusts_a_score_with_a_reason(make_envelope, env_parties):
    p = env_parties
    scheme = bid(p, make_envelope())
    with pytest.raises(PermissionDenied):
        svc.scheme_score_set(actor=p["acute_lead"], scheme=scheme, score="90", reason="Ours")
    with pytest.raises(ValidationError):
        svc.scheme_score_set(actor=p["icb_sec"], scheme=scheme, score="70", reason="")
    svc.scheme_score_set(
        actor=p["icb_sec"],
        scheme=scheme,
        score="70.00",
        reason="Fire safety enforcement notice (FPC minute 26/41).",
    )
    scheme.refresh_from_db()
    assert scheme.score == Decimal("70.00") and scheme.criteria_score == Decimal("62.00")
    event = AuditEvent.objects.get(verb="capital.score_adjusted")
    assert event.changes["score"] == {"before": "62.00", "after": "70.00"}


def test_programme_over_the_envelope_is_refused_with_the_headroom(
    make_envelope, env_parties, finance_committee  # noqa: F811
):
    p = env_parties
    envelope = make_envelope()  # capital envelope £60,000,000.00
    a = bid(p, envelope, costs={2026: "35000000.00"})
    b = bid(p, envelope, key="amb", title="Fleet", category="safety", costs={2026: "25000000.01"})
    with pytest.raises(ValidationError) as exc:
        svc.programme_propose(actor=p["icb_lead"], envelope=envelope, schemes=[a, b])
    message = exc.value.message_dict["schemes"][0]
    assert "£60,000,000.01" in message and "over by £0.01" in message
    assert not CapitalProgramme.objects.exists()
    assert CapitalScheme.objects.filter(status=SchemeStatus.BID).count() == 2
    total, room = svc.headroom(envelope, [a])
    assert (total, room) == (Decimal("35000000.00"), Decimal("25000000.00"))


def test_approved_programme_updates_the_partners_lines_once_signed_off(
    make_envelope, env_parties, finance_committee  # noqa: F811
):
    p = env_parties
    envelope = make_envelope()
    a = bid(p, envelope, costs={2026: "35000000.00", 2027: "5000000.00"})
    b = bid(p, envelope, key="amb", title="Fleet", category="safety", costs={2026: "14000000.00"})
    c = bid(p, envelope, key="mh", title="EPR", category="digital", costs={2026: "9000000.00"})
    with pytest.raises(PermissionDenied):
        svc.programme_propose(actor=p["acute_lead"], envelope=envelope, schemes=[a, b])
    programme = svc.programme_propose(actor=p["icb_lead"], envelope=envelope, schemes=[a, b])
    assert programme.status == ProgrammeStatus.PROPOSED and programme.variation is None
    # nothing changes until the finance committee decides it at its meeting
    assert envelope.lines.get(organisation=p["acute"]).capital_allocation == Decimal("30000000.00")
    item = committee_decides(p, finance_committee, programme)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.APPROVED and programme.meeting_item == item
    assert programme.committee_minute.startswith("Finance and Performance Committee, ")
    entry = DecisionEntry.objects.get(reference=programme.reference)
    assert entry.committee == finance_committee and entry.financial_value == programme.total
    assert programme.total == Decimal("49000000.00")
    assert programme.headroom == Decimal("11000000.00")
    variation = programme.variation
    signers = SignOff.objects.filter(
        subject_type__model="envelopevariation", subject_id=variation.pk
    )
    # the acute trust, the ambulance trust and the ICB (whose line takes the headroom);
    # the mental health trust's line goes from £8m to nothing, so it signs too
    assert {s.organisation_id for s in signers} == {
        p["acute"].pk,
        p["amb"].pk,
        p["icb"].pk,
        p["mh"].pk,
    }
    assert envelope.lines.get(organisation=p["acute"]).capital_allocation == Decimal("30000000.00")
    sign_round(p, variation)
    variation.refresh_from_db()
    programme.refresh_from_db()
    assert variation.status == VariationStatus.APPLIED
    assert programme.status == ProgrammeStatus.APPLIED
    lines = {line.organisation_id: line.capital_allocation for line in envelope.lines.all()}
    assert lines == {
        p["acute"].pk: Decimal("35000000.00"),
        p["amb"].pk: Decimal("14000000.00"),
        p["mh"].pk: Decimal("0.00"),
        p["icb"].pk: Decimal("11000000.00"),
    }
    assert sum(lines.values()) == envelope.capital_total
    assert CapitalScheme.objects.get(pk=a.pk).status == SchemeStatus.APPROVED
    assert CapitalScheme.objects.get(pk=c.pk).status == SchemeStatus.NOT_FUNDED


def test_programme_not_signed_off_returns_its_schemes_to_bids(
    make_envelope, env_parties, finance_committee  # noqa: F811
):
    p = env_parties
    envelope = make_envelope()
    a = bid(p, envelope, costs={2026: "35000000.00"})
    programme = svc.programme_propose(actor=p["icb_sec"], envelope=envelope, schemes=[a])
    committee_decides(p, finance_committee, programme)
    programme.refresh_from_db()
    sign_round(p, programme.variation, keys={"amb"}, outcome="reject", comment="Fleet first.")
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.NOT_AGREED
    assert CapitalScheme.objects.get(pk=a.pk).status == SchemeStatus.BID
    assert envelope.lines.get(organisation=p["acute"]).capital_allocation == Decimal("30000000.00")


def test_business_case_kept_privately_and_served_only_to_parties(
    client, make_envelope, env_parties, settings, tmp_path
):
    import io

    from pypdf import PdfWriter

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PACKS_PRIVATE_ROOT = str(tmp_path / "private")
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    p = env_parties
    envelope = make_envelope()
    scheme = bid(p, envelope, business_case=out.getvalue())
    stored = tmp_path / "private" / "uploads" / scheme.business_case.name
    assert stored.exists()
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.pdf"))
    url = f"/envelopes/{envelope.pk}/capital/{scheme.pk}/business-case.pdf"
    client.force_login(p["mh_lead"])
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    client.force_login(p["outsider"])
    assert client.get(url).status_code == 404


def test_the_committee_can_decline_a_programme(make_envelope, env_parties, finance_committee):  # noqa: F811
    p = env_parties
    envelope = make_envelope()
    a = bid(p, envelope, costs={2026: "35000000.00"})
    programme = svc.programme_propose(actor=p["icb_lead"], envelope=envelope, schemes=[a])
    committee_decides(p, finance_committee, programme, outcome="rejected")
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DECLINED and programme.variation is None
    assert CapitalScheme.objects.get(pk=a.pk).status == SchemeStatus.BID
    assert DecisionEntry.objects.get(reference=programme.reference).outcome == "rejected"
    # a new programme may then be proposed
    again = svc.programme_propose(actor=p["icb_lead"], envelope=envelope, schemes=[a])
    assert again.status == ProgrammeStatus.PROPOSED


def test_only_the_finance_committee_decides_at_its_meeting(
    make_envelope, env_parties, finance_committee  # noqa: F811
):
    import datetime

    from django.utils import timezone

    from governance.meetings.models import CommitteeKind
    from governance.meetings.services import agenda, committees

    p = env_parties
    envelope = make_envelope()
    a = bid(p, envelope, costs={2026: "35000000.00"})
    programme = svc.programme_propose(actor=p["icb_lead"], envelope=envelope, schemes=[a])
    with pytest.raises(ValidationError, match="Another programme is before the finance committee"):
        svc.programme_propose(actor=p["icb_lead"], envelope=envelope, schemes=[a])
    audit_committee = committees.committee_create(
        actor=p["icb_sec"],
        name="Audit Committee",
        kind=CommitteeKind.COMMITTEE,
        organisation=p["icb"],
        quorum_min_members=1,
    )
    meeting = agenda.meeting_create(
        actor=p["icb_sec"],
        committee=audit_committee,
        start=timezone.now() - datetime.timedelta(minutes=5),
        location="Boardroom",
    )
    with pytest.raises(ValidationError):
        agenda.item_table_subject(actor=p["icb_sec"], meeting=meeting, subject=programme)
    other = agenda.item_add(
        actor=p["icb_sec"], meeting=meeting, title="Any other business", purpose="decision"
    )
    with pytest.raises(ValidationError, match="for the Finance and Performance Committee"):
        svc.programme_decide_at_meeting(
            actor=p["icb_sec"], programme=programme, outcome="approved", item=other
        )
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.PROPOSED


def test_a_programme_needs_the_named_committee(make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope()  # no committee of that name exists in this test
    a = bid(p, envelope, costs={2026: "1000000.00"})
    with pytest.raises(ValidationError, match="no active committee named"):
        svc.programme_propose(actor=p["icb_lead"], envelope=envelope, schemes=[a])
