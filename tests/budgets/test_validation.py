"""Bad input: each a clear error next to the field, and nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from budgets import money, services
from budgets.models import (
    Allocation,
    AppendOnlyError,
    Contribution,
    LedgerEntry,
    PooledFund,
    SchemeLine,
)
from governance.audit.models import AuditEvent
from tests.budgets.helpers import commit, raise_allocation

pytestmark = pytest.mark.django_db


def counts():
    return (
        Allocation.objects.count(),
        LedgerEntry.objects.count(),
        AuditEvent.objects.count(),
        PooledFund.objects.count(),
        SchemeLine.objects.count(),
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-100.00", "cannot be negative"),
        ("100.001", "at most 2 decimal places"),
        ("0", "more than £0.00"),
        ("0.00", "more than £0.00"),
        ("1000000000000.00", "too large"),
        ("ten pounds", "Enter an amount"),
        ("NaN", "Enter an amount"),
        ("Infinity", "Enter an amount"),
        (True, "Enter an amount"),
    ],
)
def test_bad_allocation_amounts(parties, fund, amount, message):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        raise_allocation(parties, fund, amount)
    assert message in exc.value.message_dict["amount"][0]
    assert counts() == before


def test_amounts_are_read_as_pounds_and_pence():
    assert money.money("£1,234.5") == Decimal("1234.50")
    assert money.money(Decimal("7")) == Decimal("7.00")
    assert money.money(12) == Decimal("12.00")
    assert money.percent("33.33") == Decimal("33.33")
    for bad in ("100.01", "-1", "1.234"):
        with pytest.raises(ValidationError):
            money.percent(bad)


def test_allocation_fields(parties, fund, make_fund):
    other = make_fund(name="Another fund")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.allocation_create(
            actor=parties["requester"],
            fund=fund,
            scheme_line=other.lines.first(),
            recipient=None,
            amount="10.00",
            purpose="  ",
            period_start="2027-04-01",
            period_end="2026-05-01",
        )
    errors = exc.value.message_dict
    assert "another fund" in errors["scheme_line"][0]
    assert "receives the money" in errors["recipient"][0]
    assert "what the money is for" in errors["purpose"][0]
    assert "financial year 2026/27" in errors["period_start"][0]
    assert "cannot end before it starts" in errors["period_end"][0]
    assert counts() == before


@pytest.mark.parametrize("state", ["closed", "draft"])
def test_allocation_to_a_closed_or_draft_fund(parties, make_fund, state):
    fund = make_fund(activate=state != "draft")
    if state == "closed":
        services.fund_close(actor=parties["council_sec"], fund=fund, reason="Year end")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        raise_allocation(parties, fund)
    assert ("closed" if state == "closed" else "not active yet") in (
        exc.value.message_dict["fund"][0]
    )
    assert counts() == before


def test_fixed_shares_must_add_up_to_100(parties, make_fund):
    fund = make_fund(activate=False)
    before = counts()
    shares = {parties["icb"].pk: "50", parties["council"].pk: "30", parties["trust"].pk: "19.99"}
    with pytest.raises(ValidationError) as exc:
        services.fund_set_risk_share(
            actor=parties["council_sec"], fund=fund, basis="fixed", shares=shares
        )
    assert exc.value.message_dict["shares"] == [
        "Fixed shares must add up to exactly 100% (these add up to 99.99%)."
    ]
    bad = {parties["icb"].pk: "100.5", parties["council"].pk: "1.001"}
    with pytest.raises(ValidationError) as exc:
        services.fund_set_risk_share(
            actor=parties["council_sec"], fund=fund, basis="fixed", shares=bad
        )
    errors = exc.value.message_dict
    assert "from 0 to 100" in errors[f"share_{parties['icb'].pk}"][0]
    assert "2 decimal places" in errors[f"share_{parties['council'].pk}"][0]
    assert "Give Community Trust's share." in errors[f"share_{parties['trust'].pk}"]
    assert counts() == before
    fund.refresh_from_db()
    assert fund.risk_share_basis == "proportional"
    assert not Contribution.objects.filter(fund=fund, fixed_share__isnull=False).exists()
    shares[parties["trust"].pk] = "20"
    services.fund_set_risk_share(
        actor=parties["council_sec"], fund=fund, basis="fixed", shares=shares
    )
    services.fund_activate(actor=parties["council_sec"], fund=fund)


def test_negative_contribution_and_budget(parties, make_fund):
    fund = make_fund(activate=False)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.contribution_set(
            actor=parties["council_sec"], fund=fund, organisation=parties["vcse"], amount="-5"
        )
    assert "cannot be negative" in exc.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as exc:
        services.scheme_line_add(
            actor=parties["council_sec"], fund=fund, code="S9", name="X", budget="1.234"
        )
    assert "2 decimal places" in exc.value.message_dict["budget"][0]
    with pytest.raises(ValidationError) as exc:
        services.scheme_line_add(
            actor=parties["council_sec"], fund=fund, code="S1", name="Reablement", budget="5"
        )
    assert set(exc.value.message_dict) == {"code", "name"}
    assert counts() == before
    assert not Contribution.objects.filter(organisation=parties["vcse"]).exists()


def test_a_line_budget_cannot_go_below_its_commitments(parties, fund):
    commit(parties, fund, "450000.00", line="S1")
    line = fund.lines.get(code="S1")
    with pytest.raises(ValidationError) as exc:
        services.scheme_line_update(actor=parties["manager"], line=line, budget="449999.99")
    assert "£450,000.00 is already committed" in exc.value.message_dict["budget"][0]
    services.scheme_line_update(actor=parties["manager"], line=line, budget="450000.00")


def test_activation_needs_lines_contributions_and_shares(parties, make_fund):
    fund = make_fund(activate=False, lines=(), contributions=())
    with pytest.raises(ValidationError) as exc:
        services.fund_activate(actor=parties["council_sec"], fund=fund)
    messages = exc.value.messages
    assert any("scheme line" in m for m in messages)
    assert any("more than £0.00" in m for m in messages)
    fund.refresh_from_db()
    assert fund.status == "draft"


def test_fund_fields(parties):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.fund_create(
            actor=parties["council_sec"],
            name="",
            agreement_reference="",
            host_organisation=parties["council"],
            pool_manager=parties["auditor"],
            financial_year=1999,
        )
    assert set(exc.value.message_dict) == {
        "name",
        "agreement_reference",
        "pool_manager",
        "financial_year",
    }
    assert counts() == before


def test_only_a_secretariat_creates_funds(parties):
    from django.core.exceptions import PermissionDenied

    for who in ("requester", "council_sign", "outsider"):
        with pytest.raises(PermissionDenied):
            services.fund_create(
                actor=parties[who],
                name="X",
                agreement_reference="Y",
                host_organisation=parties["council"],
                pool_manager=parties["manager"],
                financial_year=2026,
            )
    with pytest.raises(PermissionDenied):  # a secretariat of another organisation
        services.fund_create(
            actor=parties["council_sec"],
            name="X",
            agreement_reference="Y",
            host_organisation=parties["trust"],
            pool_manager=parties["manager"],
            financial_year=2026,
        )


def test_the_ledger_is_append_only(parties, fund):
    entry = LedgerEntry.objects.first()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == entry.amount


@pytest.mark.postgres
def test_the_database_rejects_changes_to_the_ledger(parties, fund):
    from django.db import DatabaseError, transaction

    entry = LedgerEntry.objects.first()
    for sql in (
        "UPDATE budgets_ledgerentry SET amount = 1 WHERE id = %s",
        "DELETE FROM budgets_ledgerentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == entry.amount


def test_ledger_admin_is_read_only(parties, fund, superuser, client):
    client.force_login(superuser)
    entry = LedgerEntry.objects.first()
    assert client.get(f"/admin/budgets/ledgerentry/{entry.pk}/change/").status_code == 200
    page = client.get("/admin/budgets/ledgerentry/")
    assert page.status_code == 200
    assert client.get("/admin/budgets/ledgerentry/add/").status_code == 403
    r = client.post(f"/admin/budgets/ledgerentry/{entry.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()
