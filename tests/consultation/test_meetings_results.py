"""A questionnaire's results in a meeting: a facilitator brings them onto the stage and the agenda
over real room sockets; everyone in the meeting sees the counts (never the texts), refreshed as
answers come in; a resident is refused; a late socket finds them in its snapshot."""

import pytest
from channels.db import database_sync_to_async

from council.consultation.questionnaires.models import Question
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.services import questionnaire_answer
from council.consultation.services import consultation_create
from council.councils.models import Role
from council.councils.services import role_grant
from tests.consultation.conftest import phases_around
from tests.consultation.test_meetings import ask
from tests.factories import UserFactory
from tests.helpers import connect
from tests.helpers import next_frame_of
from tests.helpers import room_path

CHANGED = "consultation.results_stage_changed"


def _questionnaire(room):
    """A questionnaire of the room's council, open for answers, answered by 5 residents."""
    moderator = UserFactory()
    role_grant(actor=None, council=room.council, user=moderator, role=Role.FACILITATOR)
    consultation = consultation_create(
        actor=moderator, council=room.council, title="Mobilités", phases=phases_around("questionnaire"), is_published=True
    )
    questionnaire = Questionnaire.objects.create(consultation=consultation, title="Vos déplacements")
    mode = Question.objects.create(questionnaire=questionnaire, position=1, kind=Question.Kind.SINGLE, text="Comment venez-vous ?", options="Vélo\nBus")
    Question.objects.create(questionnaire=questionnaire, position=2, kind=Question.Kind.SHORT_TEXT, text="Pourquoi ?")
    for choice in ["Vélo"] * 3 + ["Bus"] * 2:
        _answer(room, questionnaire, mode, choice)
    return questionnaire, mode


def _answer(room, questionnaire, mode, choice):
    person = UserFactory()
    role_grant(actor=None, council=room.council, user=person, role=Role.RESIDENT)
    questionnaire_answer(actor=person, questionnaire_id=questionnaire.pk, raw={mode.pk: choice, mode.pk + 1: "Un secret"})


@pytest.mark.django_db(transaction=True)
async def test_results_on_the_stage_and_the_agenda_reach_everyone_in_the_meeting(room, user_with_role, settings):
    settings.QUESTIONNAIRE_RESULTS_COALESCE_SECONDS = 0  # sent at once, in the answering thread
    make = database_sync_to_async(user_with_role)
    facilitator = await make("facilitator", room.council, preferred_language="en")
    resident = await make("resident", room.council, preferred_language="en")
    questionnaire, mode = await database_sync_to_async(_questionnaire)(room)
    chair, snapshot = await connect(room_path(room.pk), user=facilitator)
    person, _ = await connect(room_path(room.pk), user=resident)

    refused = await ask(person, "consultation.show_results", "p1", questionnaire_id=questionnaire.pk)
    shown = await ask(chair, "consultation.show_results", "s1", questionnaire_id=questionnaire.pk)
    card = (await next_frame_of(person, CHANGED))["payload"]["results"]
    _, late = await connect(room_path(room.pk), user=resident)
    await database_sync_to_async(_answer)(room, questionnaire, mode, "Bus")
    refreshed = (await next_frame_of(person, CHANGED))["payload"]["results"]
    added = await ask(chair, "consultation.add_results_to_agenda", "a1", questionnaire_id=questionnaire.pk)
    agenda = (await next_frame_of(person, "workshops.agenda_changed"))["payload"]
    twice = await ask(chair, "consultation.add_results_to_agenda", "a2", questionnaire_id=questionnaire.pk)
    await ask(chair, "consultation.show_results", "s2", questionnaire_id=None)
    ended = (await next_frame_of(person, CHANGED))["payload"]

    assert snapshot["payload"]["consultation_results_stage"] is None
    assert (refused["type"], refused["payload"]["code"]) == ("error", "forbidden")
    assert shown["payload"] == {"questionnaire_id": questionnaire.pk}
    choice, text = card["questions"]
    assert (card["title"], card["consultation"], card["respondents"]) == ("Vos déplacements", "Mobilités", 5)
    assert (choice["text"], [(b["label"], b["count"]) for b in choice["bars"]]) == ("Comment venez-vous ?", [("Vélo", 3), ("Bus", 2)])
    assert (text["text"], text["answered"], "texts" in text) == ("Pourquoi ?", 5, False)  # counted, never read out
    assert late["payload"]["consultation_results_stage"]["questionnaire_id"] == questionnaire.pk
    assert (refreshed["respondents"], refreshed["questions"][0]["bars"][1]["count"]) == (6, 3)
    [item] = agenda["items"]
    assert (item["id"], item["title"]) == (added["payload"]["item_id"], "Questionnaire results: Vos déplacements")
    assert [(a["kind"], a["id"], a["status"]) for a in item["attached"]] == [("questionnaire", questionnaire.pk, "answering")]
    assert (twice["type"], twice["payload"]["message"]) == ("error", "These results are already on the meeting's agenda.")
    assert ended == {"room_id": room.pk, "results": None}
    for socket in (chair, person):
        await socket.disconnect()
