"""A council's FranceConnect provider id names the council's id, no longer its slug.

Social accounts connected through a client keep their link: their `provider` is rewritten.
"""

from django.db import migrations


def _rename(apps, old, new) -> None:
    FranceConnectClient = apps.get_model("identity", "FranceConnectClient")
    SocialAccount = apps.get_model("socialaccount", "SocialAccount")
    for client in FranceConnectClient.objects.select_related("council"):
        SocialAccount.objects.filter(provider=old(client)).update(provider=new(client))


def by_id(apps, schema_editor) -> None:
    _rename(apps, lambda c: f"franceconnect-{c.council.slug}", lambda c: f"franceconnect-{c.council_id}")


def by_slug(apps, schema_editor) -> None:
    _rename(apps, lambda c: f"franceconnect-{c.council_id}", lambda c: f"franceconnect-{c.council.slug}")


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_initial"),
        ("socialaccount", "0006_alter_socialaccount_extra_data"),
    ]

    operations = [migrations.RunPython(by_id, by_slug)]
