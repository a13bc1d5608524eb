"""The explorer's text search is answered from pg_trgm GIN indexes on PostgreSQL
(migration ``audit/0008_explorer_trigram``); on SQLite the migration does nothing."""

from __future__ import annotations

import pytest
from django.db import connection

from governance.audit import explorer
from tests.governance.test_audit_explorer import trail_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

INDEXES = {"audit_event_label_trgm", "audit_event_reason_trgm"}


def _index_definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_auditevent'"
        )
        return dict(cursor.fetchall())


@pytest.mark.postgres
def test_the_trigram_indexes_exist_on_the_searched_expressions():
    found = _index_definitions()
    assert set(found) >= INDEXES
    assert "gin" in found["audit_event_label_trgm"]
    assert "upper((target_label)::text) gin_trgm_ops" in found["audit_event_label_trgm"]
    assert "upper(reason) gin_trgm_ops" in found["audit_event_reason_trgm"]


@pytest.mark.postgres
def test_the_explorer_search_uses_the_trigram_indexes(trail):
    form, events = explorer.filtered_events(trail["people"]["auditor"], {"q": "pennine"})
    assert form.is_valid()
    assert events.count() == 2  # case-insensitive, in the record's name
    query = events.order_by("-seq")[:51]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        # a tiny test table would be read whole; forbid that to see what can be used
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_event_label_trgm" in plan and "audit_event_reason_trgm" in plan, plan


def test_the_migration_adds_nothing_on_sqlite(on_postgres):
    if on_postgres:
        pytest.skip("PostgreSQL has the indexes (tested above)")
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "audit_auditevent")
    assert not INDEXES & set(indexes)
