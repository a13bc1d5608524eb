"""The demo register: realistic, idempotent, and consistent with the rules."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from governance.demo.core import seed_core
from governance.risks.demo import seed_risks
from governance.risks.models import (
    LIVE_STATUSES,
    Escalation,
    EscalationStatus,
    ReviewTask,
    ReviewTaskStatus,
    Risk,
    RiskStatus,
)

pytestmark = pytest.mark.django_db


def test_demo_register_is_realistic_and_idempotent():
    seed_core()
    seed_risks()
    risks = Risk.objects.all()
    assert risks.count() >= 12
    assert risks.values("category").distinct().count() >= 6
    shared = risks.filter(partners__isnull=False).distinct()
    assert shared.count() >= 4
    icb_trust_council = risks.filter(
        owning_organisation__identifier="QX9",
        partners__identifier="RZ1",
    ).filter(partners__identifier="E08000901")
    assert icb_trust_council.exists()
    escalations = Escalation.objects.filter(status=EscalationStatus.OPEN)
    assert escalations.count() == 1
    assert escalations.get().risk.title == "System financial deficit in 2026/27"
    overdue = risks.filter(status__in=LIVE_STATUSES, next_review_date__lt=timezone.localdate())
    assert overdue.count() >= 3
    assert ReviewTask.objects.filter(status=ReviewTaskStatus.OPEN).count() == overdue.count()
    assert risks.filter(status=RiskStatus.AWAITING_ACCEPTANCE).count() == 1
    assert risks.filter(status=RiskStatus.CLOSED).count() == 1

    counts = (Risk.objects.count(), Escalation.objects.count(), ReviewTask.objects.count())
    seed_core()
    seed_risks()
    assert (Risk.objects.count(), Escalation.objects.count(), ReviewTask.objects.count()) == counts
    call_command("verify_audit")
