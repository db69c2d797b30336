"""Every link from a model to a person is declared, so export and deletion reach it.

A new model with a foreign key to the user model fails here until its app says, in its
`personal_data.py`, what is exported and what deletion does (or why it is kept).
"""

from django.apps import apps
from django.conf import settings

from council.core.personal_data import CONTRIBUTION
from council.core.personal_data import KEEP
from council.core.personal_data import personal_data
from council.core.retention import kept_record_kinds


def links_to_people() -> set[str]:
    """"app_label.Model.field" for every foreign key or one-to-one to the user model, any app's."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is user_model
    }


def test_every_link_to_a_person_is_declared():
    declared = {entry.label for entry in personal_data()}

    assert sorted(links_to_people() - declared) == []


def test_declarations_name_real_lookups():
    for entry in personal_data():
        model = apps.get_model(entry.model)
        model.objects.filter(**{entry.person: None}).values(*entry.fields).query.sql_with_params()


def test_kept_records_say_why_and_how_long():
    kept = [entry for entry in personal_data() if entry.policy == KEEP]

    assert {"assembly.HallPresence.user", "assembly.Proxy.grantor", "ballots.Participation.elector__user",
            "ballots.PaperBallot.entered_by", "councils.AuditEntry.actor"} <= {entry.label for entry in kept}
    assert all(str(entry.reason).strip() and str(entry.retention).strip() for entry in kept)
    # each is purged once its retention is over (council/core/retention.py)
    assert {entry.kept_as for entry in kept} == {kind.kind for kind in kept_record_kinds()}


def test_contributions_name_their_council():
    for entry in personal_data():
        if entry.policy == CONTRIBUTION:
            apps.get_model(entry.model).objects.filter(
                **{f"{entry.council}__contributions_on_account_deletion": "remove"}
            ).query.sql_with_params()
