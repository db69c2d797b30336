# Segments' "identity_level at least N" conditions become "holds the verification" conditions
# (council/verifications), with the same members: level 10 is "holds e-mail verified"; level 0
# or less matched everyone and level above 10 matched nobody (no higher level could be held).

from django.db import migrations

EMAIL = {"field": "verification", "op": "in", "value": ["email"]}


def _converted(rule):
    if isinstance(rule, list):
        return [_converted(part) for part in rule]
    if not isinstance(rule, dict):
        return rule
    if rule.get("field") == "identity_level":
        level = rule.get("value")
        level = level if isinstance(level, int) else 10
        if level <= 0:
            return {"any": [EMAIL, {"not": EMAIL}]}
        if level <= 10:
            return dict(EMAIL)
        return {"all": [EMAIL, {"not": EMAIL}]}
    return {key: _converted(value) for key, value in rule.items()}


def forwards(apps, schema_editor):
    NeighbourhoodGroup = apps.get_model("groups", "NeighbourhoodGroup")
    for group in NeighbourhoodGroup.objects.exclude(rule={}).only("pk", "rule"):
        converted = _converted(group.rule)
        if converted != group.rule:
            NeighbourhoodGroup.objects.filter(pk=group.pk).update(rule=converted)


class Migration(migrations.Migration):

    dependencies = [
        ("groups", "0003_notification_audiences"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
