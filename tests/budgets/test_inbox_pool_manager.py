"""The shared inbox lists a pool manager's allocation reviews, to the pool manager only."""

from __future__ import annotations

import pytest

from governance.signoffs.views import tasks_for

pytestmark = pytest.mark.django_db


def test_pool_manager_sees_review_in_inbox(client):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from budgets.models import Allocation, AllocationStatus

    submitted = Allocation.objects.filter(status=AllocationStatus.SUBMITTED).first()
    assert submitted is not None, "the demo has an allocation awaiting review"
    manager = submitted.fund.pool_manager
    rows = [r for r in tasks_for(manager) if r["task"].process.artifact_object_id == submitted.pk]
    assert rows
    client.force_login(manager)
    assert submitted.reference in client.get("/inbox/").content.decode()
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.get(username="acute.signatory")
    assert not [r for r in tasks_for(other) if r["task"].process.artifact_object_id == submitted.pk]
