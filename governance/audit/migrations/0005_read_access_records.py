"""Read-access records (who viewed or downloaded a confidential record), append-only at
the database like the trail: the same kind of trigger rejects UPDATE and DELETE."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PG_INSTALL = """
CREATE OR REPLACE FUNCTION audit_readaccess_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_readaccess is append-only: % rejected', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_readaccess_no_update BEFORE UPDATE ON audit_readaccess
    FOR EACH ROW EXECUTE FUNCTION audit_readaccess_append_only();
CREATE TRIGGER audit_readaccess_no_delete BEFORE DELETE ON audit_readaccess
    FOR EACH ROW EXECUTE FUNCTION audit_readaccess_append_only();
"""
PG_REMOVE = """
DROP TRIGGER IF EXISTS audit_readaccess_no_update ON audit_readaccess;
DROP TRIGGER IF EXISTS audit_readaccess_no_delete ON audit_readaccess;
DROP FUNCTION IF EXISTS audit_readaccess_append_only();
"""
SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS audit_readaccess_no_update BEFORE UPDATE ON audit_readaccess
       BEGIN SELECT RAISE(ABORT, 'audit_readaccess is append-only: UPDATE rejected'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_readaccess_no_delete BEFORE DELETE ON audit_readaccess
       BEGIN SELECT RAISE(ABORT, 'audit_readaccess is append-only: DELETE rejected'); END;""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_readaccess_no_update;",
    "DROP TRIGGER IF EXISTS audit_readaccess_no_delete;",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_INSTALL, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_INSTALL:
            schema_editor.execute(sql)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REMOVE)
    elif vendor == "sqlite":
        for sql in SQLITE_REMOVE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_chainhead_prev_hash"),
        ("organisations", "0003_optional_identifier_for_non_nhs_partners"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReadAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("timestamp", models.DateTimeField(db_index=True, editable=False)),
                (
                    "user_label",
                    models.CharField(help_text="The person's name when read.", max_length=150),
                ),
                (
                    "how",
                    models.CharField(
                        choices=[
                            ("page", "Viewed the page"),
                            ("download", "Downloaded"),
                            ("api", "Read through the API"),
                        ],
                        max_length=10,
                    ),
                ),
                ("target_type", models.CharField(max_length=100)),
                ("target_id", models.CharField(max_length=64)),
                ("target_label", models.CharField(max_length=300)),
                ("request_id", models.CharField(blank=True, max_length=64)),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        help_text="The organisation the person reads for (their first membership).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["timestamp", "id"],
                "indexes": [
                    models.Index(fields=["target_type", "target_id"], name="readaccess_target_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("how__in", ["page", "download", "api"])),
                        name="readaccess_how_valid",
                    )
                ],
            },
        ),
        migrations.RunPython(install, remove),
    ]
