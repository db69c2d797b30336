"""The database itself refuses to change a ballot in the box (PostgreSQL): rows are only added."""

from django.db import migrations

CREATE = """
CREATE FUNCTION ballots_box_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ballot box is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ballots_box_no_update BEFORE UPDATE ON ballots_boxentry
    FOR EACH ROW EXECUTE FUNCTION ballots_box_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS ballots_box_no_update ON ballots_boxentry;
DROP FUNCTION IF EXISTS ballots_box_append_only();
"""


def _postgres_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("ballots", "0001_initial")]

    operations = [migrations.RunPython(_postgres_only(CREATE), _postgres_only(DROP))]
