"""Concurrent writers queue on the chain head: no fork, no gap, no duplicate number.

Real concurrency needs PostgreSQL (row locks, committed data seen by other threads).
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from governance.audit.models import AuditEvent, ChainHead
from governance.audit.selectors import verify_chain
from governance.audit.services import audit_record
from governance.organisations import services
from governance.organisations.models import OrganisationKind

THREADS = 8
EVENTS_PER_THREAD = 25

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_in_threads(work) -> list[BaseException]:
    """Run ``work(i)`` in THREADS threads released together; return their errors."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def target(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            work(i)
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return errors


def assert_contiguous_intact_chain(expected: int) -> None:
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == expected
    assert seqs == list(range(1, expected + 1))
    assert AuditEvent.objects.values("prev_hash").distinct().count() == expected  # no fork
    head = ChainHead.objects.get()
    assert head.seq == expected
    assert head.hash == AuditEvent.objects.get(seq=expected).hash
    result = verify_chain()
    assert result.ok, result.problem
    assert result.checked == expected


def test_triggers_are_live_in_transactional_tests(superuser, flushable_audit_table):
    """The flush workaround of earlier transactional tests put the triggers back."""
    org = services.organisation_create(
        actor=superuser, name="Live Trust", identifier="RL1", kind=OrganisationKind.NHS_TRUST
    )
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'x'")
    assert AuditEvent.objects.filter(organisation=org).count() == 1


def test_concurrent_service_calls_keep_one_unbroken_chain(superuser, flushable_audit_table):
    orgs = [
        services.organisation_create(
            actor=superuser,
            name=f"Concurrent Trust {i}",
            identifier=f"R{i:02d}",
            kind=OrganisationKind.NHS_TRUST,
        )
        for i in range(THREADS)
    ]
    baseline = AuditEvent.objects.count()
    assert baseline == THREADS

    def work(i: int) -> None:
        actor = get_user_model().objects.get(pk=superuser.pk)
        for n in range(EVENTS_PER_THREAD):
            services.organisation_update(
                actor=actor, organisation=orgs[i], is_active=n % 2 == 1, reason=f"toggle {n}"
            )

    errors = run_in_threads(work)
    assert not errors, errors
    assert_contiguous_intact_chain(baseline + THREADS * EVENTS_PER_THREAD)
    for org in orgs:
        assert AuditEvent.objects.filter(organisation=org).count() == 1 + EVENTS_PER_THREAD


def test_concurrent_writers_on_an_empty_trail_race_to_create_the_head(
    superuser, make_user, flushable_audit_table
):
    assert not ChainHead.objects.exists()
    targets = [make_user() for _ in range(THREADS)]

    def work(i: int) -> None:
        for n in range(EVENTS_PER_THREAD):
            with transaction.atomic():
                audit_record(actor=superuser, verb="user.touched", target=targets[i], reason=str(n))

    errors = run_in_threads(work)
    assert not errors, errors
    assert_contiguous_intact_chain(THREADS * EVENTS_PER_THREAD)
    for user in targets:
        assert AuditEvent.objects.filter(target_id=str(user.pk)).count() == EVENTS_PER_THREAD
