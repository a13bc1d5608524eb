"""Reviews: raising review tasks for risks whose review date has come, and recording a
review (new current scores, a comment, the next review date).

Review tasks are rows of ``ReviewTask`` rather than viewflow tasks: a review is one
person's single step on one risk, with nothing to orchestrate, and a partial unique
index (one open task per risk) makes raising them idempotent in the database itself,
even when two runs of ``raise_due_reviews`` overlap.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.risks import notifications, policy, scoring
from governance.risks.models import (
    FREQUENCY_MONTHS,
    LIVE_STATUSES,
    Assessment,
    AssessmentKind,
    ReviewTask,
    ReviewTaskStatus,
    Risk,
)
from governance.risks.services import escalation
from governance.risks.services._common import Errors, audit, lock


def due_for_review(today: datetime.date | None = None):
    """Registered risks whose next review date is today or earlier, with no open task."""
    today = today or timezone.localdate()
    return (
        Risk.objects.filter(status__in=LIVE_STATUSES, next_review_date__lte=today)
        .exclude(review_tasks__status=ReviewTaskStatus.OPEN)
        .select_related("owning_organisation", "owner")
        .order_by("next_review_date", "pk")
    )


@transaction.atomic
def review_task_raise(*, actor, risk: Risk, today: datetime.date | None = None):
    """Raise the review task of one due risk; None if it has one already or is not due."""
    today = today or timezone.localdate()
    r = lock(risk)
    if r.status not in LIVE_STATUSES or r.next_review_date > today:
        return None
    if ReviewTask.objects.filter(risk=r, status=ReviewTaskStatus.OPEN).exists():
        return None
    try:
        with transaction.atomic():
            task = ReviewTask.objects.create(risk=r, due_date=r.next_review_date, assignee=r.owner)
    except IntegrityError:
        return None  # an open task exists (raised by a concurrent run)
    audit(
        actor,
        "risk.review_due",
        r,
        {"review_task": task.pk, "due_date": task.due_date.isoformat(), "assignee": r.owner_id},
    )
    notifications.review_due(task)
    return task


def review_tasks_raise_due(*, actor=None, today: datetime.date | None = None) -> list[ReviewTask]:
    """Raise a review task for every due risk, each in its own transaction. Running it
    twice creates nothing new."""
    raised = []
    for risk in due_for_review(today):
        task = review_task_raise(actor=actor, risk=risk, today=today)
        if task is not None:
            raised.append(task)
    return raised


@transaction.atomic
def risk_review(
    *,
    actor,
    risk: Risk,
    current_likelihood,
    current_consequence,
    comment: str,
    reviewed_on: datetime.date | None = None,
) -> Assessment:
    """Record a review: the current scores now, what was found, and the next review date
    (the review date plus the risk's review frequency). Completes the open review task,
    and escalates the risk if the score has risen above appetite."""
    r = lock(risk)
    if not policy.can_review(actor, r):
        raise PermissionDenied("You cannot review this risk.")
    errors = Errors()
    try:
        ratings = scoring.clean_ratings(
            {"current_likelihood": current_likelihood, "current_consequence": current_consequence}
        )
    except ValidationError as exc:
        errors.merge(exc)
        ratings = {}
    comment = (comment or "").strip()
    if not comment:
        errors.add("comment", "Say what the review found (controls, assurance, actions).")
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    if not isinstance(reviewed_on, datetime.date):
        errors.add("reviewed_on", "Give the review date (YYYY-MM-DD).")
    elif reviewed_on > today:
        errors.add("reviewed_on", "A review cannot be dated in the future.")
    else:
        first = r.assessments.order_by("assessed_on").values_list("assessed_on", flat=True).first()
        if first is not None and reviewed_on < first:
            errors.add(
                "reviewed_on", "A review cannot be dated before the risk's initial assessment."
            )
    errors.raise_if_any()

    before = {
        "current_likelihood": r.current_likelihood,
        "current_consequence": r.current_consequence,
        "current_score": r.current_score,
        "next_review_date": r.next_review_date.isoformat(),
    }
    before_threshold = escalation.threshold_of(r)
    r.current_likelihood = ratings["current_likelihood"]
    r.current_consequence = ratings["current_consequence"]
    r.next_review_date = scoring.add_months(reviewed_on, FREQUENCY_MONTHS[r.review_frequency])
    r.save(
        update_fields=[
            "current_likelihood",
            "current_consequence",
            "next_review_date",
            "updated_at",
        ]
    )
    assessment = Assessment.objects.create(
        risk=r,
        kind=AssessmentKind.REVIEW,
        likelihood=r.current_likelihood,
        consequence=r.current_consequence,
        comment=comment,
        assessed_on=reviewed_on,
        assessed_by=actor,
        next_review_date=r.next_review_date,
    )
    completed = list(
        ReviewTask.objects.select_for_update().filter(risk=r, status=ReviewTaskStatus.OPEN)
    )
    for task in completed:
        task.status = ReviewTaskStatus.DONE
        task.completed_at = timezone.now()
        task.completed_by = actor
        task.assessment = assessment
        task.save(update_fields=["status", "completed_at", "completed_by", "assessment"])
    after = {
        "current_likelihood": r.current_likelihood,
        "current_consequence": r.current_consequence,
        "current_score": r.current_score,
        "next_review_date": r.next_review_date.isoformat(),
    }
    changes = {k: {"before": before[k], "after": after[k]} for k in before}
    changes["assessment"] = assessment.pk
    changes["review_tasks_completed"] = [t.pk for t in completed]
    audit(actor, "risk.reviewed", r, changes, comment)
    escalation.escalate_if_needed(
        actor=actor,
        risk=r,
        before_score=before["current_score"],
        before_threshold=before_threshold,
        trigger="review",
    )
    return assessment
