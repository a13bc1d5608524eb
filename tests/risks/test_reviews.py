"""Review reminders (raise_due_reviews) and recording reviews."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.risks import services
from governance.risks.models import Assessment, ReviewTask, ReviewTaskStatus, Risk
from governance.risks.scoring import add_months

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def run(*args) -> str:
    out = io.StringIO()
    call_command("raise_due_reviews", *args, stdout=out)
    return out.getvalue()


def test_raise_due_reviews_is_idempotent(rics, registered_risk, make_risk):
    overdue = registered_risk(title="Overdue", review_frequency="quarterly", assessed_on=days(-120))
    due_today = registered_risk(title="Due today", next_review_date=TODAY)
    later = registered_risk(title="Not yet", next_review_date=days(10))
    draft = make_risk(title="Draft", assessed_on=days(-200))
    assert draft.next_review_date < TODAY
    events = AuditEvent.objects.count()

    output = run()
    assert "2 review tasks raised." in output
    tasks = ReviewTask.objects.filter(status=ReviewTaskStatus.OPEN)
    assert {t.risk for t in tasks} == {overdue, due_today}
    assert all(t.assignee == rics["owner"] for t in tasks)
    assert tasks.get(risk=overdue).due_date == overdue.next_review_date
    assert AuditEvent.objects.filter(verb="risk.review_due").count() == 2
    assert AuditEvent.objects.count() == events + 2

    # running it again creates nothing new: no task, no audit event
    assert "0 review tasks raised." in run()
    assert ReviewTask.objects.count() == 2
    assert AuditEvent.objects.count() == events + 2
    assert not ReviewTask.objects.filter(risk__in=[later, draft]).exists()
    call_command("verify_audit")


def test_raise_due_reviews_date_option(registered_risk):
    risk = registered_risk(next_review_date=days(30))
    assert "0 review tasks raised." in run()
    assert "1 review task raised." in run("--date", days(30).isoformat())
    assert ReviewTask.objects.get().risk == risk
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--date", "tomorrow")


def test_the_owner_is_emailed_when_a_review_falls_due(
    rics, registered_risk, django_capture_on_commit_callbacks
):
    registered_risk(next_review_date=days(-1))
    with django_capture_on_commit_callbacks(execute=True):
        services.review_tasks_raise_due()
    assert any("Risk review due" in m.subject and rics["owner"].email in m.to for m in mail.outbox)


def test_a_review_records_scores_comment_and_next_date(rics, registered_risk):
    risk = registered_risk(next_review_date=days(-5), review_frequency="monthly")
    services.review_tasks_raise_due()
    task = ReviewTask.objects.get(risk=risk)
    a = services.risk_review(
        actor=rics["owner"],
        risk=risk,
        current_likelihood="2",
        current_consequence=3,
        comment="Controls working; spend on plan.",
    )
    risk.refresh_from_db()
    assert (risk.current_likelihood, risk.current_consequence, risk.current_score) == (2, 3, 6)
    assert risk.next_review_date == add_months(TODAY, 1)  # monthly
    assert a.kind == "review" and a.comment == "Controls working; spend on plan."
    assert a.next_review_date == risk.next_review_date
    task.refresh_from_db()
    assert task.status == ReviewTaskStatus.DONE and task.assessment == a
    assert task.completed_by == rics["owner"]
    event = AuditEvent.objects.get(verb="risk.reviewed", target_id=str(risk.pk))
    assert event.changes["current_score"] == {"before": 9, "after": 6}
    assert event.reason == "Controls working; spend on plan."
    # not due any more
    assert services.review_tasks_raise_due() == []
    # the score history: initial assessment then the review
    assert [x.kind for x in Assessment.objects.filter(risk=risk)] == ["initial", "review"]


def test_quarterly_review_sets_next_date_three_months_on(rics, registered_risk):
    risk = registered_risk(review_frequency="quarterly", assessed_on=days(-40))
    services.risk_review(
        actor=rics["owner"],
        risk=risk,
        current_likelihood=3,
        current_consequence=3,
        comment="No change",
        reviewed_on=days(-10),
    )
    risk.refresh_from_db()
    assert risk.next_review_date == add_months(days(-10), 3)


def test_review_input_is_checked_and_nothing_is_written(rics, registered_risk):
    risk = registered_risk()
    before = (AuditEvent.objects.count(), Assessment.objects.count())
    for bad in (
        {"current_likelihood": 0, "current_consequence": 3, "comment": "x"},
        {"current_likelihood": 3, "current_consequence": 6, "comment": "x"},
        {"current_likelihood": "x", "current_consequence": 3, "comment": "x"},
        {"current_likelihood": 3, "current_consequence": 3, "comment": "  "},
        {"current_likelihood": 3, "current_consequence": 3, "comment": "x", "reviewed_on": days(1)},
        {
            "current_likelihood": 3,
            "current_consequence": 3,
            "comment": "x",
            "reviewed_on": days(-400),
        },
    ):
        with pytest.raises(ValidationError):
            services.risk_review(actor=rics["owner"], risk=risk, **bad)
    assert (AuditEvent.objects.count(), Assessment.objects.count()) == before
    assert Risk.objects.get(pk=risk.pk).current_score == 9


def test_only_those_managing_the_risk_review_it(rics, registered_risk, make_risk):
    risk = registered_risk()
    for who in ("trust_sign", "council_sign", "trust_member", "outsider", "auditor", "icb_sign"):
        with pytest.raises(PermissionDenied):
            services.risk_review(
                actor=rics[who], risk=risk, current_likelihood=2, current_consequence=2, comment="x"
            )
    services.risk_review(
        actor=rics["secretariat"],
        risk=risk,
        current_likelihood=2,
        current_consequence=2,
        comment="ok",
    )
    draft = make_risk(title="A draft")
    with pytest.raises(PermissionDenied):  # drafts are not reviewed
        services.risk_review(
            actor=rics["owner"],
            risk=draft,
            current_likelihood=2,
            current_consequence=2,
            comment="x",
        )
