"""Deleting an account: personal data goes, what others read stays anonymised, records kept by law stay exactly."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast

from council.accounts.models import User
from council.accounts.services import account_delete
from council.consultation.models import Comment
from council.consultation.models import Contribution
from council.core.personal_data import KEEP
from council.core.personal_data import personal_data
from council.rooms.models import Message
from council.voting.assembly.models import HallPresence
from council.voting.assembly.models import Proxy
from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import Participation
from council.voting.ballots.models import PendingBallot
from tests.privacy.conftest import PERSON_EMAIL
from tests.privacy.conftest import PERSON_NAME

#: where the person's name may stay (docs/personal-data.md): on the account row kept for the records
#: that point to it, the roll-call name a named vote stores on its ballot, and the audit log's
#: entries about an action on the person (a role given to them), kept as the audit log
NAME_KEPT_IN = {
    "accounts.User.display_name", "ballots.BoxEntry.voter_name", "ballots.PendingBallot.voter_name",
    "councils.AuditEntry.target_text", "councils.AuditEntry.details",
}


def rows_still_naming(person_id: int, email: str, name: str) -> list[str]:
    """"model.field" of every row of every model still holding the person's id (as a link), e-mail or name."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            if field.is_relation and field.related_model is user_model:
                holds = Q(**{field.attname: person_id})
            elif isinstance(field, models.JSONField):
                model_rows = model.objects.annotate(_text=Cast(field.name, models.TextField()))
                if model_rows.filter(Q(_text__icontains=email) | Q(_text__icontains=name)).exists():
                    found.append(label)
                continue
            elif isinstance(field, (models.CharField, models.TextField)):
                holds = Q(**{f"{field.name}__icontains": email}) | Q(**{f"{field.name}__icontains": name})
            else:
                continue
            if model.objects.filter(holds).exists():
                found.append(label)
    if user_model.objects.filter(pk=person_id).exists():
        found.append("accounts.User.id")
    return sorted(found)


def kept_links() -> set[str]:
    return {f"{entry.model}.{entry.person}" for entry in personal_data() if entry.policy == KEEP and "__" not in entry.person}


@pytest.mark.django_db(transaction=True)
def test_no_row_holds_the_person_but_the_records_kept_by_law(everywhere):
    person_id = everywhere.person.pk
    assert rows_still_naming(person_id, PERSON_EMAIL, PERSON_NAME)  # the walk sees the person before

    kept = account_delete(user=everywhere.person)

    assert kept is True
    left = set(rows_still_naming(person_id, PERSON_EMAIL, PERSON_NAME))
    assert left - kept_links() - NAME_KEPT_IN - {"accounts.User.id"} == set()
    assert {"assembly.HallPresence.user", "assembly.Proxy.grantor", "ballots.Elector.user"} <= left


@pytest.mark.django_db(transaction=True)
def test_records_kept_by_law_are_kept_exactly(everywhere):
    before = {
        "hall": list(HallPresence.objects.filter(user=everywhere.person).values()),
        "proxies": list(Proxy.objects.filter(grantor=everywhere.person).values()),
        "participations": list(Participation.objects.filter(elector__user=everywhere.person).values()),
        "box": list(BoxEntry.objects.filter(vote=everywhere.vote).values()) + list(PendingBallot.objects.filter(vote=everywhere.vote).values()),
    }

    account_delete(user=everywhere.person)

    assert before == {
        "hall": list(HallPresence.objects.filter(user_id=everywhere.person.pk).values()),
        "proxies": list(Proxy.objects.filter(grantor_id=everywhere.person.pk).values()),
        "participations": list(Participation.objects.filter(elector__user_id=everywhere.person.pk).values()),
        "box": list(BoxEntry.objects.filter(vote=everywhere.vote).values()) + list(PendingBallot.objects.filter(vote=everywhere.vote).values()),
    }
    kept = User.objects.get(pk=everywhere.person.pk)
    assert (kept.is_active, kept.has_usable_password(), kept.email.endswith("@council.invalid")) == (False, False, True)
    assert kept.display_name == PERSON_NAME  # the name the sign-in sheet shows


@pytest.mark.django_db(transaction=True)
def test_contributions_are_kept_signed_former_participant_by_default(everywhere):
    account_delete(user=everywhere.person)

    message = Message.objects.get(room=everywhere.room, text="Bonjour à tous")
    contribution = Contribution.objects.get(pk=everywhere.own.pk)
    assert str(message.author.public_name) == "Former participant"
    assert contribution.author == message.author
    assert Comment.objects.filter(contribution=contribution, body="Bonne idée.").exists()  # others' replies stay
    assert Message.objects.filter(room=everywhere.room, text="Bonjour Rosa", client_request_id="r1").exists()


@pytest.mark.django_db(transaction=True)
def test_a_council_may_have_contributions_removed(everywhere):
    everywhere.council.contributions_on_account_deletion = "remove"
    everywhere.council.save()

    account_delete(user=everywhere.person)

    assert not Message.objects.filter(room=everywhere.room, text="Bonjour à tous").exists()
    assert not Contribution.objects.filter(pk=everywhere.own.pk).exists()
    assert not Comment.objects.filter(body="Oui, des bancs à l'ombre.").exists()
    assert Contribution.objects.filter(pk=everywhere.theirs.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_an_account_with_nothing_kept_is_gone(newcomer):
    person_id = newcomer.person.pk

    kept = account_delete(user=newcomer.person)

    assert kept is False
    # only the audit log's entry "role given to Rosa" (kept as the audit log) still names them
    assert rows_still_naming(person_id, PERSON_EMAIL, PERSON_NAME) == ["councils.AuditEntry.target_text"]
    assert str(Message.objects.get(text="Bonjour à tous").author.public_name) == "Former participant"


@pytest.mark.django_db
def test_a_failure_leaves_everything_as_it_was(newcomer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(User, "delete", broken)
    with pytest.raises(RuntimeError):
        account_delete(user=newcomer.person)

    assert Message.objects.get(text="Bonjour à tous").author_id == newcomer.person.pk
    assert User.objects.filter(email=PERSON_EMAIL).exists()


@pytest.mark.django_db(transaction=True)
def test_the_persons_open_sockets_re_check_their_rights(newcomer, captured_events):
    person_id = newcomer.person.pk

    account_delete(user=newcomer.person)

    assert (f"user.{person_id}", "councils.role_changed") in [(group, message["type"]) for group, message in captured_events]
