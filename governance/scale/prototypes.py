"""Prototypes the demo does not leave: a proposal rejected at partner sign-off and one
withdrawn by its proposer, both made through the services (idempotent)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from decisions import services
from decisions.models import DecisionType, Proposal
from governance.organisations.models import Organisation
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide

REJECTED = "Out-of-area mental health placements framework"
WITHDRAWN = "Weekend community pharmacy minor ailments scheme"


def _user(name):
    return get_user_model().objects.filter(username=name).first()


def ensure_prototypes() -> None:
    acute = Organisation.objects.filter(identifier="RZ1").first()
    council = Organisation.objects.filter(identifier="E08000901").first()
    dtype = DecisionType.objects.filter(code="commissioning").first()
    member, sec = _user("acute.member"), _user("icb.secretariat")
    if None in (acute, council, dtype, member, sec):
        return  # not the demo ICS
    if not Proposal.objects.filter(title=REJECTED).exists():
        p = services.proposal_create(
            actor=member,
            proposing_organisation=acute,
            title=REJECTED,
            financial_value="180000.00",
            decision_type=dtype,
            affected_organisations=[acute, council],
            summary="A shared framework for out-of-area adult mental health placements.",
        )
        services.proposal_submit(actor=member, proposal=p)
        services.proposal_review(actor=sec, proposal=p, accept=True)
        signer = _user("northmere.signatory")
        signoff = (
            open_signoffs_for(signer)
            .filter(subject_type=ContentType.objects.get_for_model(Proposal), subject_id=p.pk)
            .first()
        )
        if signoff is not None:
            signoff_decide(
                actor=signer,
                signoff=signoff,
                outcome="reject",
                comment="The council's placement budget is already committed this year.",
            )
    if not Proposal.objects.filter(title=WITHDRAWN).exists():
        p = services.proposal_create(
            actor=member,
            proposing_organisation=acute,
            title=WITHDRAWN,
            financial_value="45000.00",
            decision_type=dtype,
            affected_organisations=[acute],
            summary="Saturday and Sunday minor ailments consultations in community pharmacies.",
        )
        services.proposal_submit(actor=member, proposal=p)
        services.proposal_withdraw(
            actor=member, proposal=p, reason="Superseded by the national Pharmacy First service."
        )
