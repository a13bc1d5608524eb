"""At the same moment (PostgreSQL, threads): the partners' final sign-offs of the
envelope agree it exactly once; every partner submitting its month together raises
exactly one system alert (the variance check runs under the envelope's row lock)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from budgets.models import AlertScope, EnvelopeStatus, MonthlyReturn, SystemEnvelope, VarianceAlert
from budgets.services import envelope as svc
from budgets.services import envelope_returns
from governance.audit.models import AuditEvent
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.services import signoff_decide
from tests.budgets.envelope_fixtures import LEAD
from tests.budgets.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_every_partner_signs_at_once_and_the_envelope_is_agreed_once(
    flushable_audit_table, make_envelope, env_parties
):
    p = env_parties
    envelope = make_envelope(agree=False)
    svc.envelope_submit(actor=p["icb_lead"], envelope=envelope)
    pending = list(
        SignOff.objects.filter(subject_id=envelope.pk, status=SignOffStatus.PENDING)
        .filter(subject_type__model="systemenvelope")
        .select_related("organisation")
    )
    lead_of = {p[k].pk: p[v] for k, v in LEAD.items()}
    errors = run_together(
        [
            lambda s=s: signoff_decide(
                actor=lead_of[s.organisation_id], signoff=s, outcome="approve"
            )
            for s in pending
        ]
    )
    assert errors == []
    assert SystemEnvelope.objects.get(pk=envelope.pk).status == EnvelopeStatus.AGREED
    assert AuditEvent.objects.filter(verb="envelope.agreed").count() == 1
    call_command("verify_audit")


def test_returns_at_once_raise_one_system_alert(flushable_audit_table, make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope()
    envelope_returns.envelope_months_open(today=datetime.date(2026, 5, 20))
    jobs = []
    for key in ("icb", "acute", "mh", "amb"):
        ret = MonthlyReturn.objects.select_related("line").get(
            month__envelope=envelope, line__organisation=p[key]
        )
        line = ret.line
        jobs.append(
            lambda ret=ret, line=line, key=key: envelope_returns.return_submit(
                actor=p[LEAD[key]],
                envelope_return=ret,
                ytd_income="0.00",
                ytd_expenditure="0.00",
                forecast_income=str(line.planned_income),
                forecast_expenditure=str(line.planned_expenditure + 100000),  # each £0.1m over
            )
        )
    assert run_together(jobs) == []
    alerts = VarianceAlert.objects.filter(envelope=envelope)
    assert [a.scope for a in alerts] == [AlertScope.SYSTEM]
    call_command("verify_audit")
