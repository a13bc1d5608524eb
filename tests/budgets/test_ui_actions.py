"""Only the links a person may follow, and irreversible actions behind a confirmation
step that says what will happen (nothing happens without it)."""

from __future__ import annotations

import re

import pytest

from budgets import services
from budgets.models import (
    Allocation,
    AllocationStatus,
    ChangeStatus,
    ContributionChange,
    FundStatus,
    PooledFund,
)
from governance.audit.models import AuditEvent
from governance.organisations.models import Role
from tests.budgets.helpers import raise_allocation
from tests.budgets.test_web import login

pytestmark = pytest.mark.django_db

CHANGE_LINK = re.compile(r'href="/funds/\d+/contributions/(\d+)/change/"')


@pytest.fixture
def chair(parties, make_user):
    """The ICB's chair: a member of the board, not a signatory or the secretariat."""
    return make_user(parties["icb"], Role.MEMBER, "chair")


@pytest.mark.parametrize(
    "who, partners",
    [
        ("auditor", set()),  # reads everything, changes nothing
        ("requester", set()),  # a member of the trust
        ("chair", set()),
        ("trust_sign", {"trust"}),  # a signatory asks for its own organisation only
        ("council_sign", {"council"}),
        ("council_sec", {"icb", "council", "trust"}),  # the host's secretariat manages
        ("manager", {"icb", "council", "trust"}),  # the pool manager manages
    ],
)
def test_change_links_only_where_the_view_allows(parties, fund, chair, who, partners):
    user = chair if who == "chair" else parties[who]
    client = login(user)
    page = client.get(f"/funds/{fund.pk}/").content.decode()
    shown = {int(pk) for pk in CHANGE_LINK.findall(page)}
    expected = {fund.contributions.get(organisation=parties[p]).pk for p in partners}
    assert shown == expected
    if not expected:
        assert "Change<span" not in page
    # every contribution: the link is shown exactly when the page itself opens
    for c in fund.contributions.all():
        status = client.get(f"/funds/{fund.pk}/contributions/{c.pk}/change/").status_code
        assert (status == 200) == (c.pk in shown), (who, c.organisation.name, status)


def test_no_change_links_on_a_draft_fund(parties, make_fund):
    draft = make_fund(activate=False)
    page = login(parties["council_sec"]).get(f"/funds/{draft.pk}/").content.decode()
    assert not CHANGE_LINK.search(page)


def test_closing_a_fund_needs_confirmation(parties, fund):
    client = login(parties["council_sec"])
    page = client.get(f"/funds/{fund.pk}/").content.decode()
    assert "nhsuk-button--warning" in page and "This cannot be undone" in page
    assert 'name="confirm"' not in page  # the page's own button leads to the step
    events = AuditEvent.objects.count()
    r = client.post(f"/funds/{fund.pk}/close/", {"reason": "Agreement ended"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "A closed fund cannot be reopened" in body  # it says what will happen
    assert 'name="confirm" value="yes"' in body and "Agreement ended" in body
    fund.refresh_from_db()
    assert fund.status == FundStatus.ACTIVE and AuditEvent.objects.count() == events
    r = client.post(f"/funds/{fund.pk}/close/", {"reason": "Agreement ended", "confirm": "yes"})
    assert r.status_code == 302
    assert PooledFund.objects.get(pk=fund.pk).status == FundStatus.CLOSED


def test_confirmation_is_refused_to_who_cannot_close(parties, fund):
    r = login(parties["auditor"]).post(f"/funds/{fund.pk}/close/", {"reason": "No"})
    assert r.status_code == 403
    assert PooledFund.objects.get(pk=fund.pk).status == FundStatus.ACTIVE


def test_withdrawing_an_allocation_needs_confirmation(parties, fund):
    a = raise_allocation(parties, fund)
    client = login(parties["requester"])
    r = client.post(f"/allocations/{a.pk}/withdraw/", {"withdraw-reason": "No longer needed"})
    assert r.status_code == 200 and "nothing is committed from the fund" in r.content.decode()
    assert Allocation.objects.get(pk=a.pk).status == AllocationStatus.SUBMITTED
    r = client.post(
        f"/allocations/{a.pk}/withdraw/",
        {"withdraw-reason": "No longer needed", "confirm": "yes"},
    )
    assert r.status_code == 302
    assert Allocation.objects.get(pk=a.pk).status == AllocationStatus.WITHDRAWN
    # someone who may not withdraw it gets no confirmation page either
    b = raise_allocation(parties, fund)
    r = login(parties["auditor"]).post(f"/allocations/{b.pk}/withdraw/", {"withdraw-reason": "x"})
    assert r.status_code == 403


def test_withdrawing_a_contribution_change_needs_confirmation(parties, fund):
    change = services.contribution_change_request(
        actor=parties["trust_sign"],
        contribution=fund.contributions.get(organisation=parties["trust"]),
        new_amount="150000.00",
        reason="Less",
    )
    client = login(parties["trust_sign"])
    r = client.post(f"/contribution-changes/{change.pk}/withdraw/", {"reason": "Wrong year"})
    assert r.status_code == 200 and "contribution stays £200,000" in r.content.decode()
    assert ContributionChange.objects.get(pk=change.pk).status == ChangeStatus.IN_SIGNOFF
    r = client.post(
        f"/contribution-changes/{change.pk}/withdraw/", {"reason": "Wrong year", "confirm": "yes"}
    )
    assert r.status_code == 302
    assert ContributionChange.objects.get(pk=change.pk).status == ChangeStatus.WITHDRAWN


def test_empty_reason_is_an_error_even_when_confirmed(parties, fund):
    r = login(parties["council_sec"]).post(
        f"/funds/{fund.pk}/close/", {"reason": "", "confirm": "yes"}
    )
    assert r.status_code == 400 and "There is a problem" in r.content.decode()
    assert PooledFund.objects.get(pk=fund.pk).status == FundStatus.ACTIVE


@pytest.mark.parametrize(
    "who, links",
    [
        ("amb_lead", {"amb"}),  # the partners the variation touches sign for themselves only
        ("acute_lead", {"acute"}),
        ("icb_lead", {"icb"}),
        ("mh_lead", set()),  # not touched by this transfer
        ("auditor", {"amb", "acute", "icb"}),  # reads every sign-off: "View the sign-off"
        ("acute_member", set()),
    ],
)
def test_variation_signoff_links_only_for_its_signatories(
    client, make_envelope, env_parties, who, links
):
    from budgets.services import envelope_variations
    from governance.signoffs.models import SignOff

    p = env_parties
    envelope = make_envelope()
    variation = envelope_variations.variation_transfer_capital(
        actor=p["icb_lead"],
        envelope=envelope,
        source=p["amb"],
        target=p["acute"],
        amount="2000000.00",
        reason="Fleet order slips to 2027/28.",
    )
    client.force_login(p[who])
    page = client.get(f"/envelopes/{envelope.pk}/variations/{variation.pk}/").content.decode()
    shown = {int(pk) for pk in re.findall(r'href="/signoffs/(\d+)/"', page)}
    expected = {
        s.pk
        for s in SignOff.objects.filter(
            subject_type__model="envelopevariation", subject_id=variation.pk
        )
        if s.organisation_id in {p[k].pk for k in links}
    }
    assert shown == expected
    for pk in shown:  # each link opens
        assert client.get(f"/signoffs/{pk}/").status_code == 200
