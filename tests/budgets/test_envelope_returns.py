"""Monthly returns: opening months (idempotent), the partner's task in its inbox, who
may submit, late flagging and chasing, bad input, CSV upload (all or nothing)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets.models import EnvelopeMonth, MonthlyReturn, MonthlyReturnStatus
from budgets.services import envelope_returns as svc
from governance.audit.models import AuditEvent
from governance.signoffs.views import tasks_for

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 20)


def figures(
    income="361000000.00", spend="366000000.00", f_income="620000000.00", f_spend="628500000.00"
):
    return {
        "ytd_income": income,
        "ytd_expenditure": spend,
        "forecast_income": f_income,
        "forecast_expenditure": f_spend,
    }


@pytest.fixture
def opened(make_envelope):
    envelope = make_envelope()
    svc.envelope_months_open(today=NOV)
    return envelope


def ret(envelope, p, key, month=7):
    return MonthlyReturn.objects.get(
        month__envelope=envelope, month__month=month, line__organisation=p[key]
    )


def test_months_open_once_each_with_a_due_return_per_partner(opened, env_parties):
    months = EnvelopeMonth.objects.filter(envelope=opened).order_by("month")
    assert [m.month for m in months] == [1, 2, 3, 4, 5, 6, 7]  # April to October have ended
    assert months[0].due_date == datetime.date(2026, 5, 10)
    assert months[6].due_date == datetime.date(2026, 11, 10)
    assert MonthlyReturn.objects.filter(month__envelope=opened).count() == 28
    assert svc.envelope_months_open(today=NOV) == []  # idempotent
    assert MonthlyReturn.objects.filter(month__envelope=opened).count() == 28
    assert svc.envelope_months_open(today=datetime.date(2026, 12, 1))[0].month == 8


def test_each_partner_finance_lead_sees_only_its_own_tasks(opened, env_parties):
    p = env_parties
    acute_tasks = tasks_for(p["acute_lead"])
    assert len(acute_tasks) == 7
    assert all(t["task"].data["organisation"] == p["acute"].pk for t in acute_tasks)
    assert acute_tasks[0]["title"].startswith("Submit the monthly return")
    assert acute_tasks[0]["subject"].url == f"/envelopes/{opened.pk}/report/1/"
    assert tasks_for(p["outsider"]) == []
    assert tasks_for(p["acute_member"]) == []
    svc.return_submit(
        actor=p["acute_lead"], envelope_return=ret(opened, p, "acute"), today=NOV, **figures()
    )
    assert len(tasks_for(p["acute_lead"])) == 6


@pytest.mark.parametrize(
    "who", ["mh_lead", "acute_member", "icb_sec", "icb_lead", "auditor", "outsider"]
)
def test_a_partner_submits_only_its_own_line(opened, env_parties, who):
    p = env_parties
    with pytest.raises(PermissionDenied):
        svc.return_submit(actor=p[who], envelope_return=ret(opened, p, "acute"), **figures())
    assert ret(opened, p, "acute").status == MonthlyReturnStatus.DUE


def test_late_submission_flagged_on_time_not(opened, env_parties):
    p = env_parties
    on_time = svc.return_submit(
        actor=p["acute_lead"],
        envelope_return=ret(opened, p, "acute"),
        today=datetime.date(2026, 11, 10),
        **figures(),
    )
    assert on_time.is_late is False
    late = svc.return_submit(
        actor=p["mh_lead"],
        envelope_return=ret(opened, p, "mh"),
        today=datetime.date(2026, 11, 11),
        **figures("122000000.00", "121000000.00", "210000000.00", "209000000.00"),
    )
    assert late.is_late is True
    # revising keeps the first submission's lateness and is audited as a revision
    revised = svc.return_submit(
        actor=p["acute_lead"],
        envelope_return=on_time,
        today=datetime.date(2026, 11, 25),
        **figures(spend="366500000.00"),
    )
    assert revised.is_late is False
    assert revised.ytd_expenditure == Decimal("366500000.00")
    assert AuditEvent.objects.filter(verb="envelope.return_revised").count() == 1


def test_overdue_returns_are_flagged_and_chased_once_a_day(
    opened, env_parties, mailoutbox, django_capture_on_commit_callbacks
):
    p = env_parties
    on_time = ret(opened, p, "acute")
    svc.return_submit(
        actor=p["acute_lead"], envelope_return=on_time, today=on_time.month.due_date, **figures()
    )
    with django_capture_on_commit_callbacks(execute=True):
        chased = svc.envelope_returns_chase(today=NOV)
    assert chased == 27  # every due return but the one submitted
    late = MonthlyReturn.objects.filter(is_late=True)
    assert late.count() == 27
    assert not late.filter(pk=on_time.pk).exists()
    assert any(p["mh_lead"].email in m.to for m in mailoutbox)
    assert AuditEvent.objects.filter(verb="envelope.return_chased").count() == 27
    assert svc.envelope_returns_chase(today=NOV) == 0  # not twice the same day
    assert svc.envelope_returns_chase(today=NOV + datetime.timedelta(days=1)) == 27


def test_bad_figures_name_the_field_and_write_nothing(opened, env_parties):
    p = env_parties
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        svc.return_submit(
            actor=p["acute_lead"],
            envelope_return=ret(opened, p, "acute"),
            ytd_income="361000000.00",
            ytd_expenditure="abc",
            forecast_income="300000000.00",
            forecast_expenditure="-1",
        )
    assert set(exc.value.message_dict) == {
        "ytd_expenditure",
        "forecast_income",
        "forecast_expenditure",
    }
    assert ret(opened, p, "acute").status == MonthlyReturnStatus.DUE
    assert AuditEvent.objects.count() == before


def _csv(rows):
    head = (
        "organisation,ytd_income,ytd_expenditure,forecast_income,forecast_expenditure,commentary\n"
    )
    return (head + "\n".join(rows) + "\n").encode()


def test_csv_upload_all_or_nothing(opened, env_parties):
    p = env_parties
    month = EnvelopeMonth.objects.get(envelope=opened, month=7)
    bad = _csv(
        [
            "RA1,361000000.00,366000000.00,620000000.00,628500000.00,On plan",
            "RA2,122000000.00,121000000.00,210000000.00,209000000.00,Not ours",
        ]
    )
    with pytest.raises(ValidationError) as exc:
        svc.returns_import_csv(actor=p["acute_lead"], month=month, upload=bad)
    assert "Row 3" in exc.value.message_dict["file"][0]
    assert ret(opened, p, "acute").status == MonthlyReturnStatus.DUE
    good = _csv(["RA1,361000000.00,366000000.00,620000000.00,628500000.00,On plan"])
    done = svc.returns_import_csv(actor=p["acute_lead"], month=month, upload=good)
    assert [r.source for r in done] == ["csv"]
    assert ret(opened, p, "acute").commentary == "On plan"
    with pytest.raises(ValidationError):
        svc.returns_import_csv(actor=p["acute_lead"], month=month, upload=b"name,amount\nx,1\n")


def test_open_envelope_months_command_is_idempotent(make_envelope, env_parties):
    from io import StringIO

    from django.core.management import call_command

    make_envelope()
    out = StringIO()
    call_command("open_envelope_months", "--today", "2026-06-20", stdout=out)
    assert "2 month(s) opened; 8 overdue return(s) chased." in out.getvalue()
    out = StringIO()
    call_command("open_envelope_months", "--today", "2026-06-20", stdout=out)
    assert "0 month(s) opened; 0 overdue return(s) chased." in out.getvalue()


def test_csv_names_a_partner_without_a_code(opened, env_parties):
    """A partner may be named instead of coded (e.g. a VCSE body with no ODS code); an
    unknown name is refused with its row."""
    p = env_parties
    month = EnvelopeMonth.objects.get(envelope=opened, month=7)
    acute = p["acute"]
    acute.identifier = ""  # as if the trust had no code on record
    acute.save(update_fields=["identifier"])
    named = _csv(
        [f'"{acute.name.upper()}",361000000.00,366000000.00,620000000.00,628500000.00,By name']
    )
    [done] = svc.returns_import_csv(actor=p["acute_lead"], month=month, upload=named)
    assert done.line.organisation == acute and done.commentary == "By name"
    unknown = _csv(["Nowhere Trust,1.00,1.00,1.00,1.00,"])
    with pytest.raises(ValidationError, match="Row 2: 'Nowhere Trust' has no line"):
        svc.returns_import_csv(actor=p["acute_lead"], month=month, upload=unknown)
