"""Allocations through their flow, driven by the services (as the web and API do):
pool manager review, one sign-off per contributing partner, commit or failure."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from budgets import balances, services
from budgets.flows import AllocationFlow
from budgets.models import Allocation, AllocationStatus, EntryKind, LedgerEntry
from budgets.reconcile import reconcile_fund
from governance.audit.models import AuditEvent
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.selectors import open_signoffs_for
from tests.budgets.helpers import (
    accept,
    commit,
    pending,
    raise_allocation,
    sign,
    sign_all,
    signoff,
)

pytestmark = pytest.mark.django_db


def verbs(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))
        .order_by("seq")
        .values_list("verb", flat=True)
    )


def test_three_partners_sign_off_and_the_money_is_committed(parties, fund):
    a = raise_allocation(parties, fund, "250000.00")
    assert a.status == AllocationStatus.SUBMITTED and a.reference.startswith("ALLOC-")
    review = Task.objects.get(process__artifact_object_id=a.pk, flow_task=AllocationFlow.review)
    assert review.status == STATUS.NEW
    assert not SignOff.objects.filter(subject_id=a.pk).exists()

    a = accept(parties, a)
    assert a.status == AllocationStatus.IN_SIGNOFF and a.signoff_round == 1
    asked = set(pending(a).values_list("organisation__name", flat=True))
    assert asked == {"Test ICB", "Borough Council", "Community Trust"}
    # each signatory sees only their own organisation's sign-off in the shared inbox
    for key, user in (("icb", "icb_sign"), ("council", "council_sign"), ("trust", "trust_sign")):
        inbox = list(open_signoffs_for(parties[user]))
        assert [s.organisation for s in inbox] == [parties[key]]
        assert inbox[0].subject == a
    assert not LedgerEntry.objects.filter(allocation=a).exists()

    sign(parties, a, "icb")
    sign(parties, a, "council")
    assert Allocation.objects.get(pk=a.pk).status == AllocationStatus.IN_SIGNOFF
    a = sign_all(parties, a, keys=("trust",))
    assert a.status == AllocationStatus.COMMITTED and a.committed_at
    entry = LedgerEntry.objects.get(allocation=a)
    assert (entry.kind, entry.amount, entry.scheme_line, entry.actor) == (
        EntryKind.COMMITMENT,
        a.amount,
        a.scheme_line,
        None,
    )
    position = balances.fund_position(fund)
    assert position.committed == 250_000 and position.uncommitted == 750_000
    process = Process.objects.get(artifact_object_id=a.pk, flow_class=AllocationFlow)
    assert process.status == PROCESS.DONE
    assert verbs(a) == [
        "allocation.submitted",
        "allocation.accepted",
        "signoff.approved",
        "signoff.approved",
        "signoff.approved",
        "allocation.committed",
    ]
    assert reconcile_fund(fund) == []


def test_a_partner_with_no_contribution_is_not_asked(parties, make_fund):
    fund = make_fund(
        contributions=(("icb", "600000"), ("council", "400000"), ("trust", "0")),
    )
    a = accept(parties, raise_allocation(parties, fund))
    asked = set(pending(a).values_list("organisation", flat=True))
    assert asked == {parties["icb"].pk, parties["council"].pk}
    a = sign_all(parties, a, keys=("icb", "council"))
    assert a.status == AllocationStatus.COMMITTED


@pytest.mark.parametrize("who", ["requester", "icb_sec", "council_sec", "icb_sign", "auditor"])
def test_only_the_pool_manager_reviews(parties, fund, who):
    a = raise_allocation(parties, fund)
    with pytest.raises(PermissionDenied):
        services.allocation_review(actor=parties[who], allocation=a, accept=True)
    task = Task.objects.get(process__artifact_object_id=a.pk, flow_task=AllocationFlow.review)
    assert not AllocationFlow.review.can_assign(parties[who], task)
    assert AllocationFlow.review.can_assign(parties["manager"], task)
    assert Allocation.objects.get(pk=a.pk).status == AllocationStatus.SUBMITTED


def test_return_and_resubmit(parties, fund):
    a = raise_allocation(parties, fund, "300000.00")
    with pytest.raises(ValidationError) as exc:
        services.allocation_review(actor=parties["manager"], allocation=a, accept=False)
    assert "reason" in exc.value.message_dict
    a = services.allocation_review(
        actor=parties["manager"], allocation=a, accept=False, reason="Give the outcomes."
    )
    assert a.status == AllocationStatus.RETURNED and a.return_reason == "Give the outcomes."
    first = Process.objects.get(artifact_object_id=a.pk, flow_class=AllocationFlow)
    assert first.status == PROCESS.DONE
    # only the requester revises; nobody reviews a returned allocation
    with pytest.raises(PermissionDenied):
        services.allocation_update(actor=parties["icb_sign"], allocation=a, amount="1.00")
    with pytest.raises(ValidationError):
        services.allocation_review(actor=parties["manager"], allocation=a, accept=True)

    services.allocation_update(
        actor=parties["requester"],
        allocation=a,
        amount="280000.00",
        purpose="Short breaks for 400 carers; outcomes: carer strain index.",
    )
    a = services.allocation_submit(actor=parties["requester"], allocation=a)
    assert a.status == AllocationStatus.SUBMITTED
    with pytest.raises(ValidationError):
        services.allocation_submit(actor=parties["requester"], allocation=a)
    a = accept(parties, a)
    a = sign_all(parties, a)
    assert a.status == AllocationStatus.COMMITTED and a.amount == 280_000
    assert Process.objects.filter(artifact_object_id=a.pk, flow_class=AllocationFlow).count() == 2
    assert verbs(a)[:5] == [
        "allocation.submitted",
        "allocation.returned",
        "allocation.updated",
        "allocation.resubmitted",
        "allocation.accepted",
    ]


@pytest.mark.parametrize("outcome", ["reject", "abstain"])
def test_a_partners_refusal_stops_the_commit(parties, fund, outcome):
    a = accept(parties, raise_allocation(parties, fund, "200000.00"))
    sign(parties, a, "icb")
    sign(parties, a, "council", outcome, "Not a priority for the council this year.")
    a = Allocation.objects.get(pk=a.pk)
    assert a.status == AllocationStatus.REJECTED
    assert signoff(a, parties["trust"]).status == SignOffStatus.CANCELLED
    assert not LedgerEntry.objects.filter(allocation=a).exists()
    assert balances.fund_position(fund).committed == 0
    assert Process.objects.get(artifact_object_id=a.pk, flow_class=AllocationFlow).status == (
        PROCESS.DONE
    )
    event = AuditEvent.objects.get(verb="allocation.rejected_at_signoff", target_id=str(a.pk))
    assert "Borough Council" in event.reason and "Not a priority" in event.reason
    # the remaining partner can no longer sign
    with pytest.raises(ValidationError):
        sign(parties, a, "trust")


def test_an_allocation_that_no_longer_fits_the_line_fails_at_commit(parties, fund):
    first = accept(parties, raise_allocation(parties, fund, "400000.00", line="S1"))
    second = accept(parties, raise_allocation(parties, fund, "400000.00", line="S1"))
    assert sign_all(parties, first).status == AllocationStatus.COMMITTED
    second = sign_all(parties, second)
    assert second.status == AllocationStatus.FAILED
    assert "Scheme line S1" in second.failure_reason and "£200,000.00 left" in (
        second.failure_reason
    )
    assert not LedgerEntry.objects.filter(allocation=second).exists()
    assert balances.fund_position(fund).committed == 400_000
    assert reconcile_fund(fund) == []


def test_an_allocation_that_no_longer_fits_the_fund_fails_at_commit(parties, make_fund):
    fund = make_fund(lines=(("S1", "Beds", "900000"), ("S2", "Homecare", "900000")))
    first = accept(parties, raise_allocation(parties, fund, "700000.00", line="S1"))
    second = accept(parties, raise_allocation(parties, fund, "500000.00", line="S2"))
    sign_all(parties, first)
    second = sign_all(parties, second)
    assert second.status == AllocationStatus.FAILED
    assert "£300,000.00 uncommitted" in second.failure_reason
    assert balances.fund_position(fund).uncommitted == 300_000


def test_a_request_that_does_not_fit_now_is_refused_at_once(parties, fund):
    commit(parties, fund, "550000.00", line="S1")
    before = Allocation.objects.count()
    with pytest.raises(ValidationError) as exc:
        raise_allocation(parties, fund, "60000.00", line="S1")
    assert "£50,000.00 left" in exc.value.message_dict["amount"][0]
    assert Allocation.objects.count() == before


def test_withdraw_during_signoff_cancels_the_signoffs(parties, fund):
    a = accept(parties, raise_allocation(parties, fund))
    sign(parties, a, "icb")
    with pytest.raises(ValidationError):
        services.allocation_withdraw(actor=parties["requester"], allocation=a, reason="")
    with pytest.raises(PermissionDenied):
        services.allocation_withdraw(actor=parties["trust_sign"], allocation=a, reason="No.")
    a = services.allocation_withdraw(
        actor=parties["requester"], allocation=a, reason="Funded from elsewhere."
    )
    assert a.status == AllocationStatus.WITHDRAWN
    assert not pending(a).exists()
    assert Process.objects.get(artifact_object_id=a.pk, flow_class=AllocationFlow).status == (
        PROCESS.CANCELED
    )
    assert not LedgerEntry.objects.filter(allocation=a).exists()


def test_spend_and_release(parties, fund):
    a = commit(parties, fund, "100000.00")
    manager = parties["manager"]
    services.allocation_spend(actor=manager, allocation=a, amount="30000.00", reference="INV-1")
    services.allocation_release(actor=manager, allocation=a, amount="50000.00", reason="Slippage")
    p = balances.allocation_position(a.pk)
    assert (p.committed, p.spent, p.unspent) == (50_000, 30_000, 20_000)
    fund_p = balances.fund_position(fund)
    assert (fund_p.committed, fund_p.spent, fund_p.uncommitted) == (50_000, 30_000, 950_000)
    with pytest.raises(ValidationError) as exc:
        services.allocation_release(actor=manager, allocation=a, amount="20000.01", reason="x")
    assert "£20,000.00" in exc.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as exc:
        services.allocation_spend(actor=manager, allocation=a, amount="5.00", reference="")
    assert "reference" in exc.value.message_dict
    for who in ("requester", "trust_sign", "icb_sec"):
        with pytest.raises(PermissionDenied):
            services.allocation_spend(
                actor=parties[who], allocation=a, amount="1.00", reference="X"
            )
    # the host's finance team (secretariat) may record spend too
    services.allocation_spend(
        actor=parties["council_sec"], allocation=a, amount="20000.00", reference="INV-2"
    )
    assert balances.allocation_position(a.pk).unspent == 0
    assert [e.kind for e in LedgerEntry.objects.filter(allocation=a)] == [
        "commitment",
        "spend",
        "release",
        "spend",
    ]
    assert reconcile_fund(fund) == []


def test_closing_a_fund(parties, fund):
    a = raise_allocation(parties, fund)
    with pytest.raises(ValidationError) as exc:
        services.fund_close(actor=parties["council_sec"], fund=fund, reason="Year end")
    assert a.reference in exc.value.messages[0]
    services.allocation_review(actor=parties["manager"], allocation=a, accept=False, reason="No")
    with pytest.raises(PermissionDenied):
        services.fund_close(actor=parties["requester"], fund=fund, reason="Year end")
    services.fund_close(actor=parties["council_sec"], fund=fund, reason="Year end")
    a.refresh_from_db()
    assert a.status == AllocationStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        services.allocation_submit(actor=parties["requester"], allocation=a)


def test_parties_and_inbox_label(parties, fund):
    from governance import subjects

    a = raise_allocation(parties, fund, "12345.67")
    kind = subjects.for_model(a)
    assert kind.label(a) == f"{a.reference} £12,345.67 from Better Care Fund to Carers Alliance"
    assert kind.url(a) == f"/allocations/{a.pk}/"
    assert {o.name for o in kind.parties(a)} == {
        "Test ICB",
        "Borough Council",
        "Community Trust",
        "Carers Alliance",
    }


def test_conflicted_signatory_cannot_sign(parties, fund, make_user):
    import datetime

    from governance.interests.services import interest_declare
    from governance.organisations.models import Role

    other = make_user(parties["council"], Role.SIGNATORY, "council_sign2")
    interest_declare(
        actor=parties["council_sign"],
        person=parties["council_sign"],
        interest_type="indirect",
        description="Partner is a trustee of the Carers Alliance.",
        related_organisation=parties["vcse"],
        valid_from=datetime.date(2025, 1, 1),
    )
    a = accept(parties, raise_allocation(parties, fund))
    with pytest.raises(ValidationError):
        sign(parties, a, "council")
    from governance.signoffs.services import signoff_decide

    signoff_decide(actor=other, signoff=signoff(a, parties["council"]), outcome="approve")
    a = sign_all(parties, a, keys=("icb", "trust"))
    assert a.status == AllocationStatus.COMMITTED


def test_the_commit_needs_every_partners_signoff(parties, fund):
    a = accept(parties, raise_allocation(parties, fund))
    sign(parties, a, "icb")
    with pytest.raises(ValidationError, match="signed off by every contributing partner"):
        services.allocation_commit(actor=None, allocation=a)
    assert not LedgerEntry.objects.filter(allocation=a).exists()
