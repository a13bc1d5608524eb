"""The demo system envelope: 2026/27, six partners, M1–M7 returned (one still due and
chased), one partner's forecast overspend with its risk and committee item, a capital
programme within the envelope applied to the lines; seeding twice changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgets import envelope_selectors
from budgets.demo_envelope import seed_envelope
from budgets.models import (
    AlertScope,
    AlertStatus,
    CapitalProgramme,
    MonthlyReturn,
    MonthlyReturnStatus,
    ProgrammeStatus,
    SystemEnvelope,
    VarianceAlert,
)
from governance.audit.models import AuditEvent
from governance.audit.selectors import verify_chain
from governance.demo.core import seed_core
from governance.meetings.selectors import tabling_candidates
from governance.risks.demo import seed_risks
from governance.risks.models import RiskStatus

pytestmark = pytest.mark.django_db


def _finance_committee():
    """The committee the envelope's capital programme goes to (in the full demo, made by
    the decisions seeder before the envelope's)."""
    import datetime

    from django.contrib.auth import get_user_model

    from governance.demo.core import demo_admin
    from governance.meetings.models import CommitteeKind, CommitteeRole
    from governance.meetings.services import committees
    from governance.organisations.models import Organisation

    users = {u.username: u for u in get_user_model().objects.all()}
    icb = Organisation.objects.get(identifier="QX9")
    fpc = committees.committee_create(
        actor=demo_admin(),
        name="Finance and Performance Committee",
        kind=CommitteeKind.COMMITTEE,
        organisation=icb,
        quorum_min_members=2,
    )
    for username, role in (
        ("icb.signatory", CommitteeRole.CHAIR),
        ("icb.member", CommitteeRole.NON_EXECUTIVE),
    ):
        committees.member_add(
            actor=demo_admin(),
            committee=fpc,
            user=users[username],
            organisation=icb,
            role=role,
            valid_from=datetime.date(2024, 4, 1),
        )


@pytest.fixture
def demo():
    seed_core()
    seed_risks()
    _finance_committee()
    seed_envelope()
    return SystemEnvelope.objects.get(financial_year=2026)


def test_demo_envelope(demo):
    assert demo.status == "agreed"
    assert demo.lines.count() == 6
    lines = list(demo.lines.all())
    assert sum(line.planned_income for line in lines) == demo.income_total
    assert sum(line.capital_allocation for line in lines) == demo.capital_total
    assert demo.months.count() == 7
    returns = MonthlyReturn.objects.filter(month__envelope=demo)
    assert returns.filter(status=MonthlyReturnStatus.SUBMITTED).count() == 41
    due = returns.get(status=MonthlyReturnStatus.DUE)
    assert (due.line.organisation.identifier, due.month.month) == ("RZ3", 7)
    assert due.is_late and due.chase_count == 1
    assert returns.filter(is_late=True, status=MonthlyReturnStatus.SUBMITTED).count() == 1
    alert = VarianceAlert.objects.get(envelope=demo)
    assert alert.status == AlertStatus.OPEN and alert.scope == AlertScope.PARTNER
    assert alert.organisation.identifier == "RZ4" and alert.raised_month == 5
    assert alert.latest_variance == Decimal("7200000.00")
    assert alert.risk.status == RiskStatus.OPEN
    assert alert.risk.partners.get().identifier == "QX9"
    waiting = [c.subject for c in tabling_candidates() if c.model_label.startswith("budgets.")]
    assert alert in waiting
    assert [m.month for m in waiting if hasattr(m, "due_date")] == [6]  # M7 is not all in
    position = envelope_selectors.position(demo)
    assert position.month == 7
    assert position.total.forecast_variance > 0  # the ICB's underspend covers Westbrook
    programme = CapitalProgramme.objects.get(envelope=demo)
    assert programme.status == ProgrammeStatus.APPLIED
    assert programme.total + programme.headroom == demo.capital_total
    assert programme.headroom == Decimal("22600000.00")
    assert demo.lines.get(organisation__identifier="QX9").capital_allocation == Decimal(
        "22600000.00"
    )
    assert demo.version == 2
    assert verify_chain().ok


def test_seeding_twice_changes_nothing(demo):
    events = AuditEvent.objects.count()
    seed_envelope()
    assert AuditEvent.objects.count() == events
    assert SystemEnvelope.objects.count() == 1
