"""factory_boy factories for the models every test needs."""

import factory
from django.db import transaction
from factory.django import DjangoModelFactory

from council.accounts.models import User
from council.councils.models import Council
from council.rooms.models import Message
from council.rooms.models import Room

PASSWORD = "correct-horse-battery"  # test data


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def second_factor(user, create, extracted, **kwargs):  # noqa: N805 (factory_boy passes the object)
        """Staff and superusers hold an authenticator app, as the site requires of them."""
        if create and (user.is_staff or user.is_superuser):
            from tests.mfa_helpers import totp_give_if_required

            totp_give_if_required(user)


class CouncilFactory(DjangoModelFactory[Council]):
    class Meta:
        model = Council
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"council-{n}")
    name = factory.Sequence(lambda n: f"Conseil de quartier {n}")
    brand_colour = "#0b6e4f"


class RoomFactory(DjangoModelFactory[Room]):
    class Meta:
        model = Room

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Séance {n}")


class MessageFactory(DjangoModelFactory[Message]):
    """A chat message that takes the room's next seq, as message_post does."""

    class Meta:
        model = Message

    room = factory.SubFactory(RoomFactory)
    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Message {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with transaction.atomic():
            room = Room.objects.select_for_update().get(pk=kwargs["room"].pk)
            room.last_seq += 1
            room.save(update_fields=["last_seq"])
            kwargs["room"].last_seq = room.last_seq
            kwargs.setdefault("seq", room.last_seq)
            return super()._create(model_class, *args, **kwargs)
