"""People of the polls' tests read English (the socket speaks each person's language; French is tested apart)."""

import pytest

from council.voting.polls import services


@pytest.fixture
def facilitator(room, user_with_role):
    return user_with_role("facilitator", room.council, display_name="Fatou Facilitatrice", preferred_language="en")


@pytest.fixture
def resident(room, user_with_role):
    return user_with_role("resident", room.council, display_name="Rémi Résident", preferred_language="en")


@pytest.fixture
def make_poll(room, facilitator):
    """`make_poll(kind="single", open=False, **fields)`: a poll of `room`, prepared (and launched)."""

    def make(kind="single", open=False, **fields):
        defaults = {
            "single": {"options": ["Rouge", "Vert", "Bleu"]},
            "multiple": {"options": ["Rouge", "Vert", "Bleu", "Jaune"], "min_choices": 1, "max_choices": 2},
            "ranking": {"options": ["Parc", "École", "Piste"]},
            "scale": {"scale_min": 1, "scale_max": 5, "scale_min_label": "Pas du tout", "scale_max_label": "Tout à fait"},
            "yes_no": {},
        }[kind]
        created = services.poll_create(
            actor=facilitator, room_id=room.pk, question=fields.pop("question", "Quelle couleur ?"), kind=kind,
            **{**defaults, **fields},
        )
        if open:
            services.poll_open(actor=facilitator, room_id=room.pk, poll_id=created["poll_id"])
        return created["poll_id"]

    return make
