# Sends to an audience a module registers (the followers of a contribution), and the person's choice of in-app copies.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def council_of_group_sends(apps, schema_editor):
    """The sends made before: their council is their group's."""
    NotificationSend = apps.get_model("groups", "NotificationSend")
    NeighbourhoodGroup = apps.get_model("groups", "NeighbourhoodGroup")
    NotificationSend.objects.filter(council__isnull=True).update(
        council=models.Subquery(NeighbourhoodGroup.objects.filter(pk=models.OuterRef("group_id")).values("council_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('councils', '0014_council_contributions_on_account_deletion'),
        ('groups', '0002_segment_answer_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='in_app',
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name='notificationsend',
            name='audience',
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name='notificationsend',
            name='audience_key',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='notificationsend',
            name='council',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='councils.council'),
        ),
        migrations.AddField(
            model_name='notificationsend',
            name='link',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunPython(council_of_group_sends, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='notificationsend',
            name='group',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='sends', to='groups.neighbourhoodgroup'),
        ),
        migrations.AddConstraint(
            model_name='notificationsend',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('audience', ''), ('group__isnull', False)), models.Q(('audience__gt', ''), ('group__isnull', True)), _connector='OR'), name='notification_send_group_or_audience'),
        ),
    ]
