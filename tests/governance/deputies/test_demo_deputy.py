"""The demo agrees with the rules: the mental health trust's chief executive's entry
naming his own trust is no conflict for signing for it; his real conflict blocks a
sign-off, and his deputy's appointment unblocks it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from budgets.models import Allocation
from governance import permissions
from governance.audit.models import AuditEvent
from governance.signoffs.models import ConflictDeclaration, SignOff, SignOffStatus
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.signers import conflicts_on, management_for

# a slow suite: CI runs it once, on the PostgreSQL pass
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_conflicted_sole_signatory_unblocked_by_a_deputy():
    call_command("seed_demo", stdout=StringIO())
    users = {u.username: u for u in get_user_model().objects.all()}
    ceo, deputy = users["mh.signatory"], users["mh.deputy"]
    allocation = Allocation.objects.get(
        recipient__name="Calder Valley Community Alliance", status="in_signoff"
    )
    signoff = SignOff.objects.get(
        organisation__identifier="RZ2",
        status=SignOffStatus.PENDING,
        subject_type__model="allocation",
        subject_id=allocation.pk,
    )
    assert not signoff.blocked
    assert [i.related_organisation.name for i in conflicts_on(signoff, ceo)] == [
        "Calder Valley Community Alliance"
    ]
    assert conflicts_on(signoff, deputy) == []
    assert permissions.can_sign_for(deputy, signoff.organisation)
    assert signoff in open_signoffs_for(deputy)
    verbs = list(
        AuditEvent.objects.filter(verb__in=["signoff.blocked", "signoff.unblocked"])
        .filter(changes__signoff=signoff.pk)
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == ["signoff.blocked", "signoff.unblocked"]
    # the employer rule: no declaration anywhere names the organisation signed for
    for c in ConflictDeclaration.objects.select_related("signoff", "interest"):
        assert c.interest.related_organisation_id != c.signoff.organisation_id


def test_no_demo_signoff_was_given_by_someone_conflicted_out_of_it():
    call_command("seed_demo", stdout=StringIO())
    for s in SignOff.objects.filter(signatory__isnull=False).select_related("signatory"):
        found = conflicts_on(s, s.signatory)
        assert not found or management_for(s, s.signatory), (s, s.signatory, found)
