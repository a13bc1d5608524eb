"""The audit explorer's filters as composite indexes ending in ``seq``.

(organisation, seq), (actor, seq), (verb, seq) and (target_type, target_id, seq) make
each filtered keyset page an index walk; they replace the single-column indexes on
verb, target_type, target_id, organisation and actor and the (target_type, target_id)
index, which they make redundant.

The single-column indexes are dropped with DROP INDEX (found by introspection, so the
generated names and PostgreSQL's ``_like`` companions are all found): on SQLite,
altering the fields would rebuild the table, losing the append-only triggers and
copying the whole trail five times.

Last, the append-only triggers are installed again on SQLite (``IF NOT EXISTS``): the
table rebuild of 0006 (adding the signature columns) had dropped them there.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TRIGGERS = importlib.import_module("governance.audit.migrations.0003_append_only_triggers")
TABLE = "audit_auditevent"
COLUMNS = ("verb", "target_type", "target_id", "organisation_id", "actor_id")


def drop_single_column_indexes(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    for name, info in constraints.items():
        if (
            info.get("index")
            and not info.get("unique")
            and not info.get("primary_key")
            and len(info.get("columns") or []) == 1
            and info["columns"][0] in COLUMNS
        ):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_single_column_indexes(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{TABLE}_{column}_single" ON "{TABLE}" ("{column}")'
        )


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in TRIGGERS.SQLITE_INSTALL:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_signatures_checkpoints_verification_runs"),
        ("organisations", "0003_optional_identifier_for_non_nhs_partners"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="auditevent", name="audit_target_idx"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(drop_single_column_indexes, create_single_column_indexes)
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Empty for changes made by the system itself.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The organisation the actor was acting for.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audit_events",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="target_id",
                    field=models.CharField(max_length=64),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="target_type",
                    field=models.CharField(max_length=100),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="verb",
                    field=models.CharField(max_length=80),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["organisation", "seq"], name="audit_org_seq_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor", "seq"], name="audit_actor_seq_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["verb", "seq"], name="audit_verb_seq_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                fields=["target_type", "target_id", "seq"], name="audit_target_seq_idx"
            ),
        ),
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
