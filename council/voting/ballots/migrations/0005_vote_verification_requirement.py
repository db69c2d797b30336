# The single identity level becomes a requirement of verifications (council/verifications):
# level 10 (e-mail verified) is {"kinds": ["email"], "mode": "any"}; level 0 requires nothing.

import council.verifications.requirements
from django.db import migrations, models


def level_to_requirement(apps, schema_editor):
    Vote = apps.get_model("ballots", "Vote")
    Vote.objects.filter(min_identity_level__gt=0).update(
        verification_requirement={"kinds": ["email"], "mode": "any"}
    )


def requirement_to_level(apps, schema_editor):
    Vote = apps.get_model("ballots", "Vote")
    Vote.objects.exclude(verification_requirement={}).update(min_identity_level=10)


class Migration(migrations.Migration):

    dependencies = [
        ('ballots', '0004_vote_agenda_item'),
    ]

    operations = [
        migrations.AddField(
            model_name='vote',
            name='verification_requirement',
            field=models.JSONField(blank=True, default=dict, help_text='{"kinds": [...], "mode": "any" or "all"}; empty: none required.', validators=[council.verifications.requirements.validate_requirement], verbose_name='verifications required'),
        ),
        migrations.RunPython(level_to_requirement, requirement_to_level),
        migrations.RemoveField(
            model_name='vote',
            name='min_identity_level',
        ),
    ]
