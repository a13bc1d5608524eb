"""The event hash loses its unique index (and PostgreSQL's ``_like`` pattern index).

Nothing looks an event up by its hash: verification walks the trail by ``seq`` and
recomputes every hash, which is what proves the chain (a repeated hash would be a
SHA-256 collision or a broken link, both reported by ``verify_audit``). The two indexes
on random 64-character keys cost every append two index writes (with 1,000,000 events,
about 240 MB of indexes written at random places).

On PostgreSQL the unique constraint and the ``_like`` index are dropped (found by
introspection). On SQLite the unique index is part of the table's definition and only a
table rebuild would drop it (losing the append-only triggers): there the change is to
the model state alone.
"""

from django.db import migrations, models

TABLE = "audit_auditevent"


def drop_hash_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    for name, info in constraints.items():
        if info.get("columns") != ["hash"] or info.get("primary_key"):
            continue
        if info.get("unique"):
            schema_editor.execute(f'ALTER TABLE "{TABLE}" DROP CONSTRAINT IF EXISTS "{name}"')
        elif info.get("index"):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_hash_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "audit_auditevent_hash_key" UNIQUE ("hash")'
    )
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "audit_auditevent_hash_like" ON "{TABLE}" '
        '("hash" varchar_pattern_ops)'
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0008_explorer_trigram"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_hash_indexes, create_hash_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="hash",
                    field=models.CharField(editable=False, max_length=64),
                ),
            ],
        ),
    ]
