"""Trigram indexes for the audit explorer's text search (PostgreSQL only).

The explorer's search (``governance.audit.explorer``, the ``q`` filter) is an
``icontains`` on the record's name and the reason, which Django writes on PostgreSQL as
``UPPER(col::text) LIKE UPPER('%word%')``. Without a text index a rare word walks the
whole trail backwards (about 2 s on a million events). A GIN index with ``pg_trgm``'s
``gin_trgm_ops`` on exactly those expressions, ``UPPER(target_label)`` and
``UPPER(reason)``, answers it from the index (a BitmapOr of the two).

- PostgreSQL: ``CREATE EXTENSION IF NOT EXISTS pg_trgm`` (a trusted extension since
  PostgreSQL 13: the database owner may create it), then both indexes built
  ``CONCURRENTLY``, so appends to the trail are not blocked while they build (about a
  minute on a million events). Hence ``atomic = False``.
- SQLite (and any other database): nothing.

The indexes are not in the models' state (Django's ``Index`` cannot say
``gin_trgm_ops`` on an expression portably); ``makemigrations`` sees no change.
Reversing drops them and leaves the extension.
"""

from django.db import migrations

TABLE = "audit_auditevent"
INDEXES = {
    "audit_event_label_trgm": "UPPER(target_label::text)",
    "audit_event_reason_trgm": "UPPER(reason)",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # pragma: no cover - depends on the deployment's role
        raise RuntimeError(
            "The audit explorer's text index needs PostgreSQL's pg_trgm extension: ask the "
            "database administrator to run CREATE EXTENSION pg_trgm; in this database, "
            f"then migrate again ({exc})."
        ) from exc
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{TABLE}" '
            f"USING gin ({expression} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("audit", "0007_explorer_filter_indexes")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
