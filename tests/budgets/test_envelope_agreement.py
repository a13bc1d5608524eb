"""The envelope and its agreement: totals that add up to the penny, every partner's
sign-off, the lock, and variations re-signed with the history kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets.models import (
    EnvelopeStatus,
    EnvelopeVariation,
    SystemEnvelope,
    VariationKind,
    VariationStatus,
)
from budgets.services import envelope as svc
from budgets.services import envelope_variations as var_svc
from governance.audit.models import AuditEvent
from governance.signoffs.models import SignOff
from tests.budgets.envelope_fixtures import sign_round

pytestmark = pytest.mark.django_db


def test_agreement_refused_unless_lines_add_up_to_the_penny(make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope(agree=False)
    svc.envelope_update(actor=p["icb_lead"], envelope=envelope, capital_total="60000000.01")
    with pytest.raises(ValidationError) as exc:
        svc.envelope_submit(actor=p["icb_lead"], envelope=envelope)
    assert "capital_total" in exc.value.message_dict
    assert "-£0.01" in exc.value.message_dict["capital_total"][0]
    envelope.refresh_from_db()
    assert envelope.status == EnvelopeStatus.DRAFT
    assert not SignOff.objects.filter(
        subject_id=envelope.pk, subject_type__model="systemenvelope"
    ).exists()
    svc.envelope_update(actor=p["icb_lead"], envelope=envelope, capital_total="60000000.00")
    svc.envelope_submit(actor=p["icb_lead"], envelope=envelope)
    assert SystemEnvelope.objects.get(pk=envelope.pk).status == EnvelopeStatus.IN_SIGNOFF


def test_agreement_needs_every_partner(make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope(agree=False)
    svc.envelope_submit(actor=p["icb_lead"], envelope=envelope)
    signoffs = SignOff.objects.filter(subject_type__model="systemenvelope", subject_id=envelope.pk)
    assert {s.organisation_id for s in signoffs} == {p[k].pk for k in ("icb", "acute", "mh", "amb")}
    sign_round(p, envelope, keys={"icb", "acute", "mh"})
    assert SystemEnvelope.objects.get(pk=envelope.pk).status == EnvelopeStatus.IN_SIGNOFF
    sign_round(p, envelope, keys={"amb"})
    envelope.refresh_from_db()
    assert envelope.status == EnvelopeStatus.AGREED
    assert envelope.agreed_at is not None
    assert (
        AuditEvent.objects.filter(verb="envelope.agreed", target_id=str(envelope.pk)).count() == 1
    )


def test_one_refusal_sends_it_back_to_draft(make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope(agree=False)
    svc.envelope_submit(actor=p["icb_lead"], envelope=envelope)
    sign_round(p, envelope, keys={"acute"}, outcome="reject", comment="Our CIP is not agreed.")
    envelope.refresh_from_db()
    assert envelope.status == EnvelopeStatus.DRAFT
    event = AuditEvent.objects.get(verb="envelope.not_agreed")
    assert "Our CIP is not agreed." in event.reason


def test_agreed_envelope_is_locked(make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope()
    with pytest.raises(ValidationError):
        svc.envelope_update(actor=p["icb_lead"], envelope=envelope, capital_total="1.00")
    with pytest.raises(ValidationError):
        svc.envelope_line_set(
            actor=p["icb_lead"],
            envelope=envelope,
            organisation=p["acute"],
            planned_income="1.00",
            planned_expenditure="1.00",
            capital_allocation="1.00",
        )


def test_only_an_icb_finance_lead_drafts_and_only_the_lead_edits(env_parties):
    p = env_parties
    args = dict(
        icb=p["icb"],
        financial_year=2026,
        name="X",
        income_total="1.00",
        expenditure_total="1.00",
        capital_total="1.00",
    )
    for who in ("acute_lead", "acute_member", "auditor", "outsider"):
        with pytest.raises(PermissionDenied):
            svc.envelope_create(actor=p[who], **args)
    envelope = svc.envelope_create(actor=p["icb_lead"], **args)
    with pytest.raises(PermissionDenied):
        svc.envelope_update(actor=p["acute_lead"], envelope=envelope, name="Mine")


def test_bad_input_names_the_field_and_writes_nothing(env_parties):
    p = env_parties
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        svc.envelope_create(
            actor=p["icb_lead"],
            icb=p["icb"],
            financial_year="next year",
            name="",
            income_total="12.345",
            expenditure_total="-5",
            capital_total="lots",
            threshold_percent="150",
        )
    assert set(exc.value.message_dict) == {
        "financial_year",
        "name",
        "income_total",
        "expenditure_total",
        "capital_total",
        "threshold_percent",
    }
    assert SystemEnvelope.objects.count() == 0
    assert AuditEvent.objects.count() == before


def _transfer(p, envelope, amount="2000000.00"):
    return var_svc.variation_request(
        actor=p["icb_lead"],
        envelope=envelope,
        kind=VariationKind.CAPITAL_TRANSFER,
        reason="Ambulance fleet slips to next year; the acute trust's theatres move forward.",
        lines={
            p["acute"].pk: {"capital_allocation": Decimal("30000000.00") + Decimal(amount)},
            p["amb"].pk: {"capital_allocation": Decimal("12000000.00") - Decimal(amount)},
        },
    )


def test_variation_signed_by_touched_partners_and_icb_then_applied_with_history(
    make_envelope, env_parties
):
    p = env_parties
    envelope = make_envelope()
    variation = _transfer(p, envelope)
    signers = SignOff.objects.filter(
        subject_type__model="envelopevariation", subject_id=variation.pk
    )
    assert {s.organisation_id for s in signers} == {p["acute"].pk, p["amb"].pk, p["icb"].pk}
    sign_round(p, variation, keys={"acute", "icb"})
    assert envelope.lines.get(organisation=p["amb"]).capital_allocation == Decimal("12000000.00")
    sign_round(p, variation, keys={"amb"})
    variation.refresh_from_db()
    envelope.refresh_from_db()
    assert variation.status == VariationStatus.APPLIED
    assert envelope.version == 2
    assert envelope.lines.get(organisation=p["amb"]).capital_allocation == Decimal("10000000.00")
    assert envelope.lines.get(organisation=p["acute"]).capital_allocation == Decimal("32000000.00")
    assert envelope.capital_total == Decimal("60000000.00")
    history = {c.organisation_id: c for c in variation.changes.all()}
    assert history[p["amb"].pk].capital_before == Decimal("12000000.00")
    assert history[p["amb"].pk].capital_after == Decimal("10000000.00")
    # a second variation runs on the new version, the first's history stays
    second = _transfer(p, envelope, amount="500000.00")
    assert second.version_before == 2
    assert EnvelopeVariation.objects.filter(envelope=envelope).count() == 2


def test_variation_must_keep_the_sum(make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope()
    with pytest.raises(ValidationError) as exc:
        var_svc.variation_request(
            actor=p["icb_lead"],
            envelope=envelope,
            kind=VariationKind.CAPITAL_TRANSFER,
            reason="Typo",
            lines={p["acute"].pk: {"capital_allocation": "30000000.01"}},
        )
    assert "capital_total" in exc.value.message_dict
    replan = var_svc.variation_request(
        actor=p["icb_lead"],
        envelope=envelope,
        kind=VariationKind.REPLAN,
        reason="Elective recovery funding received.",
        lines={p["acute"].pk: {"planned_income": "625000000.00"}},
        totals={"income_total": str(Decimal("3370000000.00") + 5000000)},
    )
    assert replan.status == VariationStatus.IN_SIGNOFF
    with pytest.raises(ValidationError):
        _transfer(p, envelope)  # one variation at a time


def test_refused_variation_changes_nothing(make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope()
    variation = _transfer(p, envelope)
    sign_round(p, variation, keys={"amb"}, outcome="reject", comment="We need the fleet now.")
    variation.refresh_from_db()
    envelope.refresh_from_db()
    assert variation.status == VariationStatus.REJECTED
    assert envelope.version == 1
    assert envelope.lines.get(organisation=p["amb"]).capital_allocation == Decimal("12000000.00")


def test_withdrawn_variation_cancels_its_signoffs(make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope()
    variation = _transfer(p, envelope)
    with pytest.raises(PermissionDenied):
        var_svc.variation_withdraw(actor=p["acute_lead"], variation=variation, reason="No")
    var_svc.variation_withdraw(actor=p["icb_lead"], variation=variation, reason="Superseded")
    assert EnvelopeVariation.objects.get(pk=variation.pk).status == VariationStatus.WITHDRAWN
    assert not SignOff.objects.filter(
        subject_type__model="envelopevariation", subject_id=variation.pk, status="pending"
    ).exists()
