"""A variance past the envelope's threshold raises exactly one shared risk and one
finance committee item; they close when the forecast recovers; running the check again
changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from budgets.models import AlertScope, AlertStatus, MonthlyReturn, VarianceAlert
from budgets.services import envelope_alerts, envelope_returns
from governance import subjects
from governance.meetings.selectors import tabling_candidates
from governance.risks.models import PendingChange, Risk, RiskStatus
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.services import signoff_decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(make_envelope):
    envelope = make_envelope()
    envelope_returns.envelope_months_open(today=datetime.date(2026, 11, 20))
    return envelope


def submit(p, envelope, key, ytd_in, ytd_out, fc_in, fc_out, month=7):
    ret = MonthlyReturn.objects.get(
        month__envelope=envelope, month__month=month, line__organisation=p[key]
    )
    return envelope_returns.return_submit(
        actor=p[f"{key}_lead"],
        envelope_return=ret,
        ytd_income=ytd_in,
        ytd_expenditure=ytd_out,
        forecast_income=fc_in,
        forecast_expenditure=fc_out,
    )


# The acute trust plans £620.0m income, £628.5m spend: threshold 1% = £6,285,000.
OVER = ("361000000.00", "368000000.00", "620000000.00", "636000000.00")  # £7.5m adverse
WITHIN = ("361000000.00", "367000000.00", "620000000.00", "631000000.00")  # £2.5m adverse
# The mental health trust forecasts £8m better than plan, so the system stays within plan.
MH_BETTER = ("122500000.00", "118000000.00", "214000000.00", "205000000.00")


def candidates_of(model_name):
    return [c for c in tabling_candidates() if c.model_label == f"budgets.{model_name}"]


def test_overspend_past_threshold_raises_one_risk_and_one_item_idempotently(opened, env_parties):
    p = env_parties
    submit(p, opened, "mh", *MH_BETTER)
    assert not VarianceAlert.objects.exists()
    submit(p, opened, "acute", *OVER)
    alert = VarianceAlert.objects.get()
    assert alert.scope == AlertScope.PARTNER and alert.organisation == p["acute"]
    assert alert.adverse_variance == Decimal("7500000.00")
    assert alert.threshold == Decimal("6285000.00")
    assert alert.committee_name == "Finance and Performance Committee"
    risk = Risk.objects.get()
    assert alert.risk == risk
    assert risk.owning_organisation == p["acute"]
    assert list(risk.partners.all()) == [p["icb"]]
    assert risk.status == RiskStatus.AWAITING_ACCEPTANCE  # the ICB accepts it onto its register
    assert risk.category.code == "finance"
    assert risk.owner == p["acute_lead"]
    assert [c.subject for c in candidates_of("variancealert")] == [alert]
    label = subjects.for_model(alert).label(alert)
    assert "Northgate Hospitals" in label and "-£7,500,000.00" in label
    # run again, and submit the same again: still one of each
    envelope_alerts.envelope_variance_check(actor=None, envelope=opened)
    envelope_alerts.envelope_variance_check(actor=p["icb_lead"], envelope=opened)
    submit(p, opened, "acute", *OVER)
    assert VarianceAlert.objects.count() == 1 and Risk.objects.count() == 1
    assert len(candidates_of("variancealert")) == 1


def test_recovery_closes_the_alert_and_its_risk_idempotently(opened, env_parties):
    p = env_parties
    submit(p, opened, "mh", *MH_BETTER)
    submit(p, opened, "acute", *OVER)
    risk = Risk.objects.get()
    icb_signoff = SignOff.objects.get(subject_id=risk.pk, subject_type__model="risk")
    signoff_decide(actor=p["icb_lead"], signoff=icb_signoff, outcome="approve", comment="")
    assert Risk.objects.get().status == RiskStatus.OPEN
    submit(p, opened, "acute", *WITHIN)
    alert = VarianceAlert.objects.get()
    assert alert.status == AlertStatus.CLOSED and alert.closed_month == 7
    risk.refresh_from_db()
    assert risk.pending_change == PendingChange.CLOSE  # the ICB, which shares it, agrees
    assert candidates_of("variancealert") == []
    for _ in range(2):
        envelope_alerts.envelope_variance_check(actor=None, envelope=opened)
    submit(p, opened, "acute", *WITHIN)
    assert VarianceAlert.objects.count() == 1 and Risk.objects.count() == 1
    assert SignOff.objects.filter(subject_id=risk.pk, status=SignOffStatus.PENDING).count() == 1
    signoff_decide(
        actor=p["icb_lead"],
        signoff=SignOff.objects.get(subject_id=risk.pk, status=SignOffStatus.PENDING),
        outcome="approve",
    )
    assert Risk.objects.get().status == RiskStatus.CLOSED
    # a relapse raises a new alert and a new risk
    submit(p, opened, "acute", *OVER)
    assert VarianceAlert.objects.filter(status=AlertStatus.OPEN).count() == 1
    assert Risk.objects.count() == 2


def test_unaccepted_risk_closes_at_once_on_recovery(opened, env_parties):
    p = env_parties
    submit(p, opened, "mh", *MH_BETTER)
    submit(p, opened, "acute", *OVER)
    submit(p, opened, "acute", *WITHIN)
    risk = Risk.objects.get()
    assert risk.status == RiskStatus.CLOSED
    assert not SignOff.objects.filter(subject_id=risk.pk, status=SignOffStatus.PENDING).exists()


def test_system_level_adverse_forecast_raises_an_icb_owned_alert(opened, env_parties):
    p = env_parties
    # the ambulance trust is £0.4m adverse: within its own threshold, but the system is adverse
    submit(p, opened, "amb", "81000000.00", "82000000.00", "140000000.00", "140900000.00")
    alert = VarianceAlert.objects.get()
    assert alert.scope == AlertScope.SYSTEM and alert.organisation == p["icb"]
    assert alert.adverse_variance == Decimal("400000.00")
    assert alert.risk.owning_organisation == p["icb"] and alert.risk.status == RiskStatus.OPEN
    assert alert.risk.owner == p["icb_lead"]


def test_committee_receipt_through_a_meeting_takes_it_off_the_list(opened, env_parties):
    p = env_parties
    submit(p, opened, "mh", *MH_BETTER)
    submit(p, opened, "acute", *OVER)
    alert = VarianceAlert.objects.get()
    subjects.for_model(alert).on_board_decision(
        alert,
        actor=p["icb_sec"],
        outcome="noted",
        notes="Recovery plan by M9.",
        decided_by="Finance and Performance Committee",
    )
    alert.refresh_from_db()
    assert alert.received_by_committee_at is not None
    assert "Recovery plan by M9." in alert.committee_notes
    assert candidates_of("variancealert") == []
    assert alert.status == AlertStatus.OPEN  # still open until the forecast recovers
