"""Driving allocations through their flow with the services (as the web and API do)."""

from __future__ import annotations

from budgets import services
from budgets.models import Allocation
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.services import signoff_decide

SIGNATORY = {"icb": "icb_sign", "council": "council_sign", "trust": "trust_sign"}


def raise_allocation(parties, fund, amount="100000.00", line="S1", actor="requester", **kw):
    return services.allocation_create(
        actor=parties[actor],
        fund=fund,
        scheme_line=fund.lines.get(code=line),
        recipient=kw.pop("recipient", parties["vcse"]),
        amount=amount,
        purpose=kw.pop("purpose", "Short breaks for carers"),
        **kw,
    )


def accept(parties, allocation):
    return services.allocation_review(actor=parties["manager"], allocation=allocation, accept=True)


def signoff(allocation, org, round_=None):
    return SignOff.objects.get(
        subject_type__model="allocation",
        subject_id=allocation.pk,
        organisation=org,
        round=round_ or Allocation.objects.get(pk=allocation.pk).signoff_round,
    )


def sign(parties, allocation, key, outcome="approve", comment=""):
    return signoff_decide(
        actor=parties[SIGNATORY[key]],
        signoff=signoff(allocation, parties[key]),
        outcome=outcome,
        comment=comment,
    )


def sign_all(parties, allocation, keys=("icb", "council", "trust")):
    for key in keys:
        sign(parties, allocation, key)
    return Allocation.objects.get(pk=allocation.pk)


def pending(allocation):
    return SignOff.objects.filter(
        subject_type__model="allocation", subject_id=allocation.pk, status=SignOffStatus.PENDING
    )


def commit(parties, fund, amount="100000.00", line="S1"):
    a = raise_allocation(parties, fund, amount=amount, line=line)
    accept(parties, a)
    return sign_all(parties, a)
