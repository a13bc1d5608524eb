"""Conflicts of interest at sign-off, and the e-mails the flow sends (after commit only)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from decisions import services
from governance.interests.services import interest_declare
from governance.signoffs.models import ConflictDeclaration, SignOff, SignOffStatus
from governance.signoffs.services import signoff_decide

pytestmark = pytest.mark.django_db


def _in_signoff(ics, make_proposal, **kw):
    p = make_proposal("50000", **kw)
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    return p


def _declare(person, org, kind="financial"):
    return interest_declare(
        actor=person,
        person=person,
        interest_type=kind,
        description=f"Shareholding in {org.name}",
        related_organisation=org,
        valid_from=datetime.date(2020, 1, 1),
    )


def test_conflicted_signatory_is_stopped_and_another_signs(ics, make_proposal):
    _declare(ics["trust_sign"], ics["vcse"])
    p = _in_signoff(ics, make_proposal)
    trust_signoff = SignOff.objects.get(subject_id=p.pk, organisation=ics["trust"])
    assert not trust_signoff.blocked  # trust_sign2 is free of conflict
    with pytest.raises(ValidationError) as exc:
        signoff_decide(actor=ics["trust_sign"], signoff=trust_signoff, outcome="approve")
    assert "VCSE Alliance" in exc.value.messages[0]
    assert "Another authorised signatory" in exc.value.messages[0]
    trust_signoff.refresh_from_db()
    assert trust_signoff.status == SignOffStatus.PENDING
    signoff_decide(actor=ics["trust_sign2"], signoff=trust_signoff, outcome="approve")
    for who in ("council_sign", "vcse_sign"):
        signoff_decide(
            actor=ics[who],
            outcome="approve",
            signoff=SignOff.objects.get(
                subject_id=p.pk, signatory__isnull=True, organisation__memberships__user=ics[who]
            ),
        )
    entry = services.proposal_decide_as_officer(
        actor=ics["icb_sign"], proposal=p, outcome="approved", reason="Agreed."
    )
    assert entry.conflicts and entry.conflicts[0]["person"] == "trust_sign"
    assert entry.conflicts[0]["organisation"] == "Acute Trust"


def test_named_organisation_counts_as_a_party(ics, make_proposal, make_org):
    supplier = make_org("Supplier Ltd", identifier="01234567", kind="vcse")
    _declare(ics["council_sign"], supplier)
    p = _in_signoff(ics, make_proposal, named_organisations=[supplier])
    council = SignOff.objects.get(subject_id=p.pk, organisation=ics["council"])
    assert council.blocked  # the council's only signatory is conflicted
    with pytest.raises(ValidationError):
        signoff_decide(actor=ics["council_sign"], signoff=council, outcome="approve")
    assert ConflictDeclaration.objects.filter(signoff=council, person=ics["council_sign"]).exists()


def test_blocked_signoff_tells_the_secretariat_after_commit(
    ics, make_proposal, django_capture_on_commit_callbacks
):
    _declare(ics["council_sign"], ics["trust"])
    with django_capture_on_commit_callbacks(execute=True):
        _in_signoff(ics, make_proposal)
    blocked = [m for m in mail.outbox if m.subject.startswith("Sign-off blocked")]
    assert len(blocked) == 1
    assert blocked[0].to == [ics["secretariat"].email]


def test_signatories_are_told_only_once_the_change_commits(
    ics, make_proposal, django_capture_on_commit_callbacks
):
    p = make_proposal("50000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    assert mail.outbox == []  # nothing sent inside the transaction
    for callback in callbacks:
        callback()
    requested = sorted(
        r for m in mail.outbox if m.subject.startswith("Sign-off needed") for r in m.to
    )
    assert requested == sorted(
        ics[w].email for w in ("trust_sign", "trust_sign2", "council_sign", "vcse_sign")
    )


def test_proposer_is_told_of_return_and_decision(
    ics, make_proposal, django_capture_on_commit_callbacks
):
    p = make_proposal("50000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_review(
            actor=ics["secretariat"], proposal=p, accept=False, reason="Add the costs"
        )
    assert any("returned" in m.subject and ics["proposer"].email in m.to for m in mail.outbox)
    assert "Add the costs" in mail.outbox[-1].body
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signoff_decide(
            actor=ics["council_sign"],
            outcome="reject",
            comment="Unaffordable",
            signoff=SignOff.objects.get(subject_id=p.pk, organisation=ics["council"]),
        )
    assert any("rejected" in m.subject and ics["proposer"].email in m.to for m in mail.outbox)


def test_wrong_organisation_cannot_sign(ics, make_proposal):
    p = _in_signoff(ics, make_proposal)
    council = SignOff.objects.get(subject_id=p.pk, organisation=ics["council"])
    for who in ("trust_sign", "outsider", "proposer", "secretariat", "auditor"):
        with pytest.raises(PermissionDenied):
            signoff_decide(actor=ics[who], signoff=council, outcome="approve")
    council.refresh_from_db()
    assert council.status == SignOffStatus.PENDING


def test_reject_needs_a_comment_and_bad_outcome_is_refused(ics, make_proposal):
    p = _in_signoff(ics, make_proposal)
    council = SignOff.objects.get(subject_id=p.pk, organisation=ics["council"])
    with pytest.raises(ValidationError) as exc:
        signoff_decide(actor=ics["council_sign"], signoff=council, outcome="reject")
    assert "comment" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        signoff_decide(actor=ics["council_sign"], signoff=council, outcome="maybe")
    assert "outcome" in exc.value.message_dict
    signoff_decide(actor=ics["council_sign"], signoff=council, outcome="abstain")
    with pytest.raises(ValidationError):  # decided once only
        signoff_decide(actor=ics["council_sign"], signoff=council, outcome="approve")


def test_conflicts_and_blocking_are_audited(ics, make_proposal):
    from governance.audit.models import AuditEvent

    _declare(ics["council_sign"], ics["trust"])
    p = _in_signoff(ics, make_proposal)
    verbs = set(AuditEvent.objects.filter(target_id=str(p.pk)).values_list("verb", flat=True))
    assert {"signoff.conflict_recorded", "signoff.blocked"} <= verbs


def test_an_unpublished_interest_is_not_published_in_the_register(ics, make_proposal):
    interest = interest_declare(
        actor=ics["trust_sign"],
        person=ics["trust_sign"],
        interest_type="non_financial_personal",
        description="Private family matter XYZZY",
        related_organisation=ics["vcse"],
        valid_from=datetime.date(2020, 1, 1),
        is_published=False,
    )
    p = _in_signoff(ics, make_proposal)
    for who, org in (("trust_sign2", "trust"), ("council_sign", "council"), ("vcse_sign", "vcse")):
        signoff_decide(
            actor=ics[who],
            outcome="approve",
            signoff=SignOff.objects.get(subject_id=p.pk, organisation=ics[org]),
        )
    entry = services.proposal_decide_as_officer(
        actor=ics["icb_sign"], proposal=p, outcome="approved", reason="Agreed."
    )
    assert interest.pk and entry.conflicts
    assert "XYZZY" not in str(entry.conflicts)
    assert "VCSE Alliance" in entry.conflicts[0]["interest"]


def test_declaring_or_ending_an_interest_retests_open_signoffs(ics, make_proposal):
    from governance.interests.services import interest_update

    p = _in_signoff(ics, make_proposal)
    council = SignOff.objects.get(subject_id=p.pk, organisation=ics["council"])
    assert not council.blocked
    interest = _declare(ics["council_sign"], ics["trust"])  # the council's only signatory
    council.refresh_from_db()
    assert council.blocked
    interest_update(
        actor=ics["council_sign"],
        interest=interest,
        valid_to=timezone.localdate() - datetime.timedelta(days=1),
    )
    council.refresh_from_db()
    assert not council.blocked
    signoff_decide(actor=ics["council_sign"], signoff=council, outcome="approve")
