"""Shared fixtures: organisations, users in every role, and database helpers."""

from __future__ import annotations

import datetime
import importlib
import io
import os

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from governance.organisations import services as org_services
from governance.organisations.models import OrganisationKind, Role

TRIGGER_MIGRATION = importlib.import_module("governance.audit.migrations.0003_append_only_triggers")
# read-access records are append-only too (their triggers are switched with the trail's)
READS_MIGRATION = importlib.import_module("governance.audit.migrations.0005_read_access_records")


def disable_audit_triggers(cursor) -> None:
    """Switch off the audit table's append-only triggers (transactional DDL)."""
    if connection.vendor == "postgresql":
        # Foreign keys are deferred; ALTER TABLE refuses while their checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE audit_readaccess DISABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        for sql in READS_MIGRATION.SQLITE_REMOVE:
            cursor.execute(sql)


def enable_audit_triggers(cursor) -> None:
    if connection.vendor == "postgresql":
        # as above: pending deferred checks (e.g. rows a module-scoped fixture wrote in
        # the enclosing transaction) must run before ALTER TABLE
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        cursor.execute("ALTER TABLE audit_readaccess ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        for sql in TRIGGER_MIGRATION.SQLITE_INSTALL + READS_MIGRATION.SQLITE_INSTALL:
            cursor.execute(sql)


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo ICS (``seed_demo``), loaded once for a module and rolled back after it;
    its tests must not commit (plain ``django_db`` tests)."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    root = tmp_path_factory.mktemp("demo")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(root / "media"), PACKS_PRIVATE_ROOT=str(root / "private")),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _jobs_inline(settings):
    """Background jobs (board packs) run in the committing request, so a test that clicks
    "Generate packs" finds the packs straight after. The app's runner threads are tested
    in tests/packs/test_runner.py (and by the browser journeys), which switch this off."""
    settings.PACK_JOBS_INLINE = True


@pytest.fixture(autouse=True)
def _audit_triggers(request):
    """Keep the audit table append-only in every database test.

    ``transaction=True`` tests end with a flush of every table (DELETE on SQLite), which
    the append-only triggers reject: for those, the triggers are switched off after the
    test, just before the flush, and every database test switches them on again first.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames
    )
    if not transactional and not (marker or "db" in request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    with connection.cursor() as cursor:
        enable_audit_triggers(cursor)
    yield
    if transactional:
        with connection.cursor() as cursor:
            disable_audit_triggers(cursor)


@pytest.fixture
def flushable_audit_table(transactional_db):
    """Request a transactional database whose audit table can be flushed afterwards."""


@pytest.fixture(scope="session", autouse=True)
def _audit_triggers_back_on(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        # a run of tests none of which kept the in-memory SQLite database open finds it gone
        if "audit_auditevent" in connection.introspection.table_names(cursor):
            enable_audit_triggers(cursor)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` run only when the suite runs on PostgreSQL.

    Tests marked ``slow`` (long suites whose outcome does not depend on the database:
    300-page renders, whole-demo crawls) run everywhere, except on SQLite when
    ``SLOW_SUITES_ON_POSTGRES_ONLY=1``: CI sets it for its SQLite pass, so each slow
    suite runs once there, on the PostgreSQL pass.
    """
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    skip_slow = os.environ.get("SLOW_SUITES_ON_POSTGRES_ONLY") == "1"
    once = pytest.mark.skip(reason="a slow suite: this run leaves it to the PostgreSQL pass")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
        elif skip_slow and "slow" in item.keywords:
            item.add_marker(once)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw")


@pytest.fixture
def make_org(superuser):
    counter = {"n": 0}

    def make(name=None, kind=OrganisationKind.NHS_TRUST, identifier=None):
        counter["n"] += 1
        n = counter["n"]
        defaults = {
            OrganisationKind.ICB: f"Q{n:02d}",
            OrganisationKind.NHS_TRUST: f"R{n:02d}",
            OrganisationKind.NHS_FOUNDATION_TRUST: f"R{n:02d}",
            OrganisationKind.LOCAL_AUTHORITY: f"E08{n:06d}",
            OrganisationKind.PCN: f"U{n:05d}",
            OrganisationKind.VCSE: f"{1000000 + n}",
        }
        return org_services.organisation_create(
            actor=superuser,
            name=name or f"Organisation {n}",
            identifier=identifier or defaults[kind],
            kind=kind,
        )

    return make


@pytest.fixture
def make_user(superuser):
    counter = {"n": 0}

    def make(organisation=None, role=Role.MEMBER, username=None, **membership):
        counter["n"] += 1
        user = get_user_model().objects.create_user(
            username or f"user{counter['n']}", f"user{counter['n']}@example.org", "pw"
        )
        if organisation is not None:
            membership.setdefault("start_date", datetime.date(2020, 1, 1))
            org_services.membership_create(
                actor=superuser, user=user, organisation=organisation, role=role, **membership
            )
        return user

    return make


@pytest.fixture
def icb(make_org):
    return make_org("Test ICB", OrganisationKind.ICB, "QAA")
