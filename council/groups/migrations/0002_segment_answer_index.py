"""Segments answer from indexes: the profiles holding an answer, and how common each answer is.

(attribute, value, profile) replaces (attribute, value) and the foreign key's own index on
attribute: a condition on answers reads the profile ids from the index alone. On PostgreSQL, statistics on (attribute, value) together:
the same values rarely belong to two questions, and without them the planner multiplied the
two selectivities, expected 50 times too few answers and probed every resident one by one.
"""

import django.db.models.deletion
from django.db import migrations
from django.db import models

CREATE = """
CREATE STATISTICS groups_profilevalue_answers (mcv, dependencies) ON attribute_id, value
    FROM groups_profilevalue;
ALTER STATISTICS groups_profilevalue_answers SET STATISTICS 1000;
ANALYZE groups_profilevalue;
"""
DROP = "DROP STATISTICS IF EXISTS groups_profilevalue_answers;"


def _postgres_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="profilevalue",
            index=models.Index(fields=["attribute", "value", "profile"], name="value_answer_profiles"),
        ),
        migrations.RemoveIndex(model_name="profilevalue", name="groups_prof_attribu_340cf3_idx"),
        migrations.AlterField(
            model_name="profilevalue",
            name="attribute",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="values",
                to="groups.profileattribute",
            ),
        ),
        migrations.RunPython(_postgres_only(CREATE), _postgres_only(DROP)),
    ]
