"""Live results: a burst of answers reaches the facilitators' open pages as one coalesced event,
with every breakdown's cells under 5 hidden; visitors hear nothing until the results are theirs."""


import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser

from council.consultation.questionnaires import live
from council.consultation.questionnaires.selectors import live_results
from council.consultation.questionnaires.services import questionnaire_answer
from tests.consultation.questionnaires.conftest import raw_for
from tests.helpers import expect_silence
from tests.helpers import next_frame
from tests.helpers import next_frame_of
from tests.helpers import ws_communicator

RESULTS = "consultation.questionnaire_results_changed"



async def _follow(consultation, user):
    socket = ws_communicator(f"/ws/c/{consultation.council.slug}/consultations/{consultation.pk}/", user=user)
    connected, _ = await socket.connect()
    assert connected
    assert (await next_frame(socket))["type"] == "consultation.consultation_synced"
    return socket


def _answer_all(questionnaire, people, modes):
    for person, mode in zip(people, modes, strict=True):
        questionnaire_answer(actor=person, questionnaire_id=questionnaire.pk, raw=raw_for(questionnaire, mode, "C3" if mode == "Bus" else "", "4"))


@pytest.mark.django_db(transaction=True)
async def test_a_burst_of_answers_reaches_the_facilitators_as_one_event_and_visitors_hear_nothing(
    make_questionnaire, moderator, user_with_role, council, settings, redis_layer
):
    settings.QUESTIONNAIRE_RESULTS_COALESCE_SECONDS = 0.5  # the burst fits in one interval on a loaded machine
    questionnaire = await sync_to_async(make_questionnaire)()
    await sync_to_async(lambda: questionnaire.consultation.council)()
    people = [await sync_to_async(user_with_role)("resident", council) for _ in range(7)]
    facilitator = await _follow(questionnaire.consultation, moderator)
    visitor = await _follow(questionnaire.consultation, AnonymousUser())

    await sync_to_async(_answer_all)(questionnaire, people, ["Vélo"] * 5 + ["Bus"] * 2)
    frame = await next_frame_of(facilitator, RESULTS)

    payload = frame["payload"]
    mode, line, scale = payload["questions"]
    assert (payload["questionnaire_id"], payload["respondents"]) == (questionnaire.pk, 7)
    assert [(b["label"], b["count"]) for b in mode["bars"]] == [("Vélo", 5), ("Bus", 2), ("Voiture", 0)]
    assert (line["answered"], "texts" in line) == (2, False)  # never the texts, even to facilitators
    assert scale["mean"] == 4.0
    await expect_silence(facilitator, wait=0.8)  # one event for the burst
    await expect_silence(visitor)  # the results are not public: the visitor's socket is not in their group
    for socket in (facilitator, visitor):
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_an_anonymous_questionnaire_is_sent_only_five_new_answers_at_a_time(
    make_questionnaire, moderator, user_with_role, council, settings, redis_layer
):
    questionnaire = await sync_to_async(make_questionnaire)(anonymous=True)
    await sync_to_async(lambda: questionnaire.consultation.council)()
    people = [await sync_to_async(user_with_role)("resident", council) for _ in range(5)]
    facilitator = await _follow(questionnaire.consultation, moderator)

    await sync_to_async(_answer_all)(questionnaire, people[:4], ["Vélo"] * 4)
    await expect_silence(facilitator, wait=0.6)  # four answers: their counts would tell who chose what
    await sync_to_async(_answer_all)(questionnaire, people[4:], ["Bus"])
    frame = await next_frame_of(facilitator, RESULTS)

    assert frame["payload"]["respondents"] == 5
    await facilitator.disconnect()


@pytest.mark.django_db
def test_live_breakdowns_hide_cells_under_five_and_an_anonymous_one_offers_only_its_questions(
    make_questionnaire, user_with_role, council
):
    named, anonymous = make_questionnaire(), make_questionnaire(anonymous=True)
    for questionnaire in (named, anonymous):
        people = [user_with_role("resident", council) for _ in range(8)]
        _answer_all(questionnaire, people, ["Vélo"] * 6 + ["Bus"] * 2)

    named_payload, anonymous_payload = live_results(named), live_results(anonymous)

    mode, _line, scale = named.questions.all()
    by_mode = next(b for b in named_payload["breakdowns"] if (b["question_id"], b["by"]) == (scale.pk, f"question:{mode.pk}"))
    # 6 cyclists all said 4: shown; 2 bus riders: fewer than 5, nothing shown; no car.
    assert [(r["label"], r["total"], r["cells"]) for r in by_mode["rows"]] == [
        ("Vélo", 6, [None, None, None, 6, None]),
        ("Bus", None, [None] * 5),
        ("Voiture", None, [None] * 5),
    ]
    assert {b["by"] for b in named_payload["breakdowns"]} == {"zone", "group", f"question:{mode.pk}", f"question:{scale.pk}"}
    first = anonymous.questions.first()
    assert {b["by"] for b in anonymous_payload["breakdowns"]} == {f"question:{first.pk}", f"question:{anonymous.questions.last().pk}"}
    every_cell = [c for b in named_payload["breakdowns"] + anonymous_payload["breakdowns"] for r in b["rows"] for c in [r["total"], *r["cells"]]]
    assert all(cell is None or cell >= 5 for cell in every_cell)


@pytest.mark.django_db
def test_the_results_go_to_everyone_following_once_public_and_to_the_facilitators_before(make_questionnaire, moderator, resident):
    closed = make_questionnaire(public=True)  # public, but the results phase has not begun
    open_to_all = make_questionnaire(phase="results", public=True)

    assert live.audience(closed) == f"consultation.{closed.consultation_id}.results"
    assert live.audience(open_to_all) == f"consultation.{open_to_all.consultation_id}"
    assert live.socket_rights(moderator, closed.consultation_id).groups == [f"consultation.{closed.consultation_id}.results"]
    assert live.socket_rights(resident, closed.consultation_id).groups == []


@pytest.mark.django_db
def test_the_results_page_says_it_updates_itself_only_while_the_questionnaire_takes_answers(client, make_questionnaire, moderator):
    open_now, closed = make_questionnaire(), make_questionnaire(phase="results")
    client.force_login(moderator)

    def page(questionnaire):
        consultation = questionnaire.consultation
        return client.get(f"/c/{consultation.council.slug}/consultations/{consultation.pk}/questionnaire/results/").content.decode()

    live_page, closed_page = page(open_now), page(closed)

    socket = f'data-socket="/ws/c/{open_now.consultation.council.slug}/consultations/{open_now.consultation_id}/"'
    assert socket in live_page
    assert "these results update by themselves" in live_page
    assert 'id="results-strings"' in live_page
    # closed: nothing comes live any more, but the socket stays, to hide the results if the right goes
    assert f'data-socket="/ws/c/{closed.consultation.council.slug}/consultations/{closed.consultation_id}/"' in closed_page
    assert "these results update by themselves" not in closed_page
