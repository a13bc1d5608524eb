"""Fixtures for the foundation tests: raw access to the append-only audit table."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import disable_audit_triggers as _disable_triggers


@pytest.fixture
def raw_sql(db):
    """Run raw SQL with the audit table's append-only triggers intact."""

    def run(sql: str, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    return run


@pytest.fixture
def tamper(db, raw_sql):
    """Run raw SQL as an attacker with database access would: triggers off first.

    The test runs inside a transaction and the DDL is transactional on SQLite and
    PostgreSQL alike, so the triggers come back when the test's transaction rolls back.
    """
    with connection.cursor() as cursor:
        _disable_triggers(cursor)
    return raw_sql
