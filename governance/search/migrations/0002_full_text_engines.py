"""The engine's own structures, by database: on PostgreSQL a GIN index on the stored
tsvector; on SQLite an FTS5 virtual table (skipped, and plain matching used, where the
SQLite build has no FTS5)."""

from django.db import migrations

FTS = "search_fts"


def create(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_document_vector_gin "
            "ON search_searchdocument USING gin (vector)"
        )
    elif conn.vendor == "sqlite":
        try:
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
                "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
            )
        except Exception:  # noqa: BLE001 - no FTS5 in this SQLite: the fallback is used
            pass


def drop(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_vector_gin")
    elif conn.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
