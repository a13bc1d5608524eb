"""Signed events, checkpoints and background verification runs.

Events written before signing existed are signed here with the deployment's key (the
migration runs as the table owner, so it switches the append-only triggers off for
that one UPDATE and back on). A fresh database has none and skips it.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


TRIGGERS = importlib.import_module("governance.audit.migrations.0003_append_only_triggers")


def sign_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    unsigned = AuditEvent.objects.using(schema_editor.connection.alias).filter(signature="")
    if not unsigned.exists():
        return
    from governance.audit.signing import signing_key

    key = signing_key()
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            for sql in TRIGGERS.SQLITE_REMOVE:
                cursor.execute(sql)
        for pk, event_hash in list(unsigned.values_list("pk", "hash")):
            cursor.execute(
                "UPDATE audit_auditevent SET signature = %s, key_id = %s WHERE id = %s",
                [key.sign_hash(event_hash), key.key_id, pk],
            )
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            for sql in TRIGGERS.SQLITE_INSTALL:
                cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_read_access_records'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(blank=True, editable=False, help_text='Which public key verifies it.', max_length=16),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='signature',
            field=models.CharField(blank=True, editable=False, help_text="Base64 Ed25519 signature of the hash by the deployment's key.", max_length=88),
        ),
        migrations.CreateModel(
            name='Checkpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveBigIntegerField(help_text="The newest event's number when signed.")),
                ('hash', models.CharField(max_length=64)),
                ('signed_at', models.DateTimeField()),
                ('key_id', models.CharField(max_length=16)),
                ('signature', models.CharField(max_length=88)),
                ('occasion', models.CharField(choices=[('daily', 'Daily'), ('board_pack', 'Board pack published'), ('manual', 'On request')], default='daily', max_length=20)),
                ('published_by', models.ForeignKey(blank=True, help_text='Empty for the daily schedule.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-signed_at', '-id'],
                'indexes': [models.Index(fields=['seq'], name='audit_checkpoint_seq_idx')],
            },
        ),
        migrations.CreateModel(
            name='VerificationRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('passed', 'Intact'), ('failed', 'Broken'), ('error', 'Could not run')], default='queued', max_length=10)),
                ('events_checked', models.PositiveBigIntegerField(default=0)),
                ('signatures_checked', models.PositiveBigIntegerField(default=0)),
                ('checkpoints_matched', models.PositiveIntegerField(default=0)),
                ('broken_seq', models.PositiveBigIntegerField(blank=True, null=True)),
                ('problem', models.TextField(blank=True)),
                ('started_by', models.ForeignKey(blank=True, help_text='Empty for the nightly schedule.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-started_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('finished_at__isnull', True), ('finished_at__gte', models.F('started_at')), _connector='OR'), name='verificationrun_finishes_after_start')],
            },
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
    ]
