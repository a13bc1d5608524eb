"""Contributions: set freely while the fund is a draft; once it is active a change needs
the contributing partner's and the host's sign-off (the shared machinery)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets import balances, services
from budgets.models import ChangeStatus, EntryKind, LedgerEntry
from budgets.reconcile import reconcile_fund
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.services import signoff_decide
from tests.budgets.helpers import commit

pytestmark = pytest.mark.django_db


def change_signoff(change, org):
    return SignOff.objects.get(
        subject_type__model="contributionchange", subject_id=change.pk, organisation=org
    )


def request(parties, fund, new_amount, who="trust_sign", partner="trust"):
    return services.contribution_change_request(
        actor=parties[who],
        contribution=fund.contributions.get(organisation=parties[partner]),
        new_amount=new_amount,
        reason="Uplift confirmed.",
    )


def test_draft_contributions_are_entries_in_the_ledger(parties, make_fund):
    fund = make_fund(activate=False)
    sec = parties["council_sec"]
    services.contribution_set(actor=sec, fund=fund, organisation=parties["trust"], amount="150000")
    entries = LedgerEntry.objects.filter(fund=fund, organisation=parties["trust"]).order_by("pk")
    assert [(e.kind, e.amount) for e in entries] == [
        (EntryKind.CONTRIBUTION, 200_000),
        (EntryKind.ADJUSTMENT, -50_000),
    ]
    assert balances.partner_contributions(fund)[parties["trust"].pk] == 150_000
    services.fund_activate(actor=sec, fund=fund)
    with pytest.raises(ValidationError) as exc:
        services.contribution_set(
            actor=sec, fund=fund, organisation=parties["trust"], amount="1.00"
        )
    assert "sign-off" in exc.value.message_dict["amount"][0]


def test_a_change_applies_once_the_partner_and_the_host_sign(parties, fund):
    change = request(parties, fund, "260000.00")
    assert change.status == ChangeStatus.IN_SIGNOFF and change.amount_before == 200_000
    asked = set(
        SignOff.objects.filter(
            subject_id=change.pk, subject_type__model="contributionchange"
        ).values_list("organisation", flat=True)
    )
    assert asked == {parties["trust"].pk, parties["council"].pk}  # partner and host
    signoff_decide(
        actor=parties["trust_sign"],
        signoff=change_signoff(change, parties["trust"]),
        outcome="approve",
    )
    assert balances.partner_contributions(fund)[parties["trust"].pk] == 200_000
    signoff_decide(
        actor=parties["council_sign"],
        signoff=change_signoff(change, parties["council"]),
        outcome="approve",
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPLIED
    assert balances.partner_contributions(fund)[parties["trust"].pk] == 260_000
    entry = LedgerEntry.objects.get(contribution_change=change)
    assert (entry.kind, entry.amount, entry.reference) == ("contribution", 60_000, change.reference)
    assert reconcile_fund(fund) == []


def test_the_host_can_refuse_a_change(parties, fund):
    change = request(parties, fund, "100000.00")
    signoff_decide(
        actor=parties["council_sign"],
        signoff=change_signoff(change, parties["council"]),
        outcome="reject",
        comment="The agreement fixes the trust's share.",
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED
    assert change_signoff(change, parties["trust"]).status == SignOffStatus.CANCELLED
    assert balances.partner_contributions(fund)[parties["trust"].pk] == 200_000


def test_a_reduction_below_commitments_is_refused_or_fails(parties, fund):
    commit(parties, fund, "600000.00", line="S1")
    # 1,000,000 contributed, 600,000 committed: the ICB cannot drop 500,000 to nothing
    with pytest.raises(ValidationError) as exc:
        request(parties, fund, "0.00", who="icb_sign", partner="icb")
    assert "already committed" in exc.value.message_dict["new_amount"][0]
    change = request(parties, fund, "0.00")  # the trust's 200,000: fits now
    commit(parties, fund, "300000.00", line="S2")  # now 900,000 committed
    for org, user in (("trust", "trust_sign"), ("council", "council_sign")):
        signoff_decide(
            actor=parties[user], signoff=change_signoff(change, parties[org]), outcome="approve"
        )
    change.refresh_from_db()
    assert change.status == ChangeStatus.FAILED
    assert "Nothing was changed" in change.failure_reason
    assert balances.partner_contributions(fund)[parties["trust"].pk] == 200_000
    assert reconcile_fund(fund) == []


def test_change_rules(parties, fund):
    with pytest.raises(PermissionDenied):
        request(parties, fund, "1.00", who="outsider")
    with pytest.raises(PermissionDenied):
        request(parties, fund, "1.00", who="requester")  # a member, not a signatory
    with pytest.raises(ValidationError) as exc:
        request(parties, fund, "200000.00")
    assert "already" in exc.value.message_dict["new_amount"][0]
    for bad in ("-1", "1.001", "lots"):
        with pytest.raises(ValidationError) as exc:
            request(parties, fund, bad)
        assert "new_amount" in exc.value.message_dict
    change = request(parties, fund, "210000.00")
    with pytest.raises(ValidationError):
        request(parties, fund, "220000.00")  # one open change per contribution
    services.contribution_change_withdraw(
        actor=parties["trust_sign"], change=change, reason="Asked too early."
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN
    assert not SignOff.objects.filter(
        subject_id=change.pk, subject_type__model="contributionchange", status="pending"
    ).exists()
