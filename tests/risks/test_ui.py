"""The register's pages as people read them: overdue reviews tagged, an escalation shown
as a warning (never a green success), closing a risk behind a confirmation step, and
the audit timeline in sentences with names."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.risks.models import Risk, RiskStatus

pytestmark = pytest.mark.django_db

OVERDUE = '<strong class="nhsuk-tag nhsuk-tag--red app-tag--overdue">Overdue</strong>'


def row_of(page: str, risk) -> str:
    return re.search(rf'<tr [^>]*data-risk="{risk.pk}">.*?</tr>', page, re.S).group(0)


def test_overdue_review_is_tagged(client, rics, registered_risk):
    late = registered_risk(title="Late review", partners=())
    on_time = registered_risk(title="On time", partners=())
    Risk.objects.filter(pk=late.pk).update(
        next_review_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    Risk.objects.filter(pk=on_time.pk).update(
        next_review_date=timezone.localdate() + datetime.timedelta(days=30)
    )
    client.force_login(rics["secretariat"])
    page = client.get("/risks/").content.decode()
    assert OVERDUE in row_of(page, late)
    assert OVERDUE not in row_of(page, on_time)
    detail = client.get(f"/risks/{late.pk}/").content.decode()
    review = re.search(r'id="next-review">(.*?)</dd>', detail, re.S).group(1)
    assert OVERDUE in review
    assert OVERDUE not in client.get(f"/risks/{on_time.pk}/").content.decode()


def test_a_closed_risk_is_not_overdue(client, rics, registered_risk):
    risk = registered_risk(partners=())
    client.force_login(rics["owner"])
    client.post(
        f"/risks/{risk.pk}/status/", {"status": "closed", "reason": "Gone", "confirm": "yes"}
    )
    Risk.objects.filter(pk=risk.pk).update(next_review_date=datetime.date(2020, 1, 1))
    page = client.get("/risks/?status=all").content.decode()
    assert OVERDUE not in row_of(page, Risk.objects.get(pk=risk.pk))


def test_escalation_is_a_warning_not_a_success(client, rics, registered_risk):
    risk = registered_risk(partners=(), current=(3, 3))  # finance appetite 12
    client.force_login(rics["owner"])
    done = client.post(
        f"/risks/{risk.pk}/review/",
        {"current_likelihood": "4", "current_consequence": "4", "comment": "Worse"},
        follow=True,
    )
    page = done.content.decode()
    warning = re.search(
        r'<div class="nhsuk-card nhsuk-card--warning app-message.*?</div>\s*</div>', page, re.S
    )
    assert warning and "escalated to Finance and Performance Committee" in warning.group(0)
    success = re.findall(r"nhsuk-notification-banner--success.*?</div>\s*</div>", page, re.S)
    assert success and all("escalated" not in s.lower() for s in success)
    # the risk's page keeps saying so, as a warning callout
    assert re.search(
        r'nhsuk-card--warning app-escalation">.*?Escalated to Finance and Performance Committee',
        page,
        re.S,
    )


def test_closing_a_risk_needs_confirmation(client, rics, registered_risk):
    risk = registered_risk(partners=())
    client.force_login(rics["owner"])
    events = AuditEvent.objects.count()
    r = client.post(f"/risks/{risk.pk}/status/", {"status": "closed", "reason": "Mitigated"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "takes it off the register" in body and 'name="confirm" value="yes"' in body
    assert "nhsuk-button--warning" in body
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.OPEN
    assert AuditEvent.objects.count() == events
    r = client.post(
        f"/risks/{risk.pk}/status/", {"status": "closed", "reason": "Mitigated", "confirm": "yes"}
    )
    assert r.status_code == 302
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.CLOSED
    # other changes of status need no confirmation
    other = registered_risk(partners=(), title="Treated one")
    r = client.post(f"/risks/{other.pk}/status/", {"status": "treated", "reason": "Controls in"})
    assert r.status_code == 302
    assert Risk.objects.get(pk=other.pk).status == RiskStatus.TREATED


def test_no_confirmation_page_for_who_may_not_close(client, rics, registered_risk):
    risk = registered_risk(partners=())
    client.force_login(rics["auditor"])
    r = client.post(f"/risks/{risk.pk}/status/", {"status": "closed", "reason": "x"})
    assert r.status_code == 403
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.OPEN


def test_timeline_reads_as_sentences_with_names(client, rics, registered_risk):
    rics["owner"].first_name, rics["owner"].last_name = "Amara", "Okafor"
    rics["owner"].save()
    risk = registered_risk()
    client.force_login(rics["secretariat"])
    page = client.get(f"/risks/{risk.pk}/").content.decode()
    timeline = page[page.index("Audit timeline") :]
    assert "risk.created" not in timeline and "risk.registered" not in timeline
    assert "Raised as a draft" in timeline and "Put on the register" in timeline
    assert "Signed off: approved" in timeline
    assert "Amara Okafor" in timeline and ">owner<" not in timeline
