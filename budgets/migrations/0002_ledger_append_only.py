"""Make the ledger append-only at the database on PostgreSQL: UPDATE and DELETE of
ledger entries are rejected by a trigger. (SQLite, the development default, relies on
the code: no service updates or deletes entries, the queryset refuses to, and the
admin is read-only. Test databases are emptied with TRUNCATE on PostgreSQL, which row
triggers do not see.)"""

from django.db import migrations

PG_INSTALL = """
CREATE OR REPLACE FUNCTION budgets_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'budgets_ledgerentry is append-only: % rejected', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER budgets_ledger_no_update BEFORE UPDATE ON budgets_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION budgets_ledger_append_only();
CREATE TRIGGER budgets_ledger_no_delete BEFORE DELETE ON budgets_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION budgets_ledger_append_only();
"""
PG_REMOVE = """
DROP TRIGGER IF EXISTS budgets_ledger_no_update ON budgets_ledgerentry;
DROP TRIGGER IF EXISTS budgets_ledger_no_delete ON budgets_ledgerentry;
DROP FUNCTION IF EXISTS budgets_ledger_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_REMOVE)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
