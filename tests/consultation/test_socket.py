"""The consultation's socket: visitors and residents see contributions, supports, comments and
moderation live, each frame as docs/asyncapi.yaml describes it (tests/protocol.py checks)."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.test import AsyncClient
from django.urls import reverse

from council.consultation import live
from council.consultation import moderation
from council.consultation import services
from council.core import coalesce
from tests.helpers import command
from tests.helpers import expect_silence
from tests.helpers import next_frame
from tests.helpers import next_frame_of
from tests.helpers import ws_communicator

pytestmark = pytest.mark.django_db(transaction=True)


def _path(consultation) -> str:
    return f"/ws/c/{consultation.council.slug}/consultations/{consultation.pk}/"


async def _follow(consultation, user):
    socket = ws_communicator(_path(consultation), user=user)
    connected, _ = await socket.connect()
    assert connected
    return socket, await next_frame(socket)


@pytest.fixture
def open_consultation(consultation):
    consultation.council  # noqa: B018 - read here, not in the event loop
    return consultation


async def test_a_visitor_sees_a_new_contribution_appear(open_consultation, resident):
    visitor, synced = await _follow(open_consultation, AnonymousUser())

    contribution = await sync_to_async(services.contribution_submit)(
        actor=resident, consultation_id=open_consultation.pk, title="Un composteur", body="Dans la cour de l'école."
    )
    frame = await next_frame_of(visitor, "consultation.contribution_published")

    assert synced["type"] == "consultation.consultation_synced"
    assert (synced["payload"]["phase"], synced["payload"]["contributions"]) == ("contributions", 0)
    assert frame["payload"]["id"] == contribution.pk
    assert (frame["payload"]["title"], frame["payload"]["body"]) == ("Un composteur", "Dans la cour de l'école.")
    await visitor.disconnect()


async def test_a_draft_is_refused_to_a_visitor_and_a_command_is_answered_by_an_error(make_consultation, consultation):
    draft = await sync_to_async(make_consultation)(published=False, title="Brouillon")
    await sync_to_async(lambda: (draft.council, consultation.council))()
    refused = ws_communicator(_path(draft), user=AnonymousUser())
    await refused.connect()
    output = await refused.receive_output(2)
    listener, _ = await _follow(consultation, AnonymousUser())

    await listener.send_json_to(command("consultation.submit", "r1", title="Non"))
    error = await next_frame(listener)

    assert output == {"type": "websocket.close", "code": 4403}
    assert (error["type"], error["request_id"], error["payload"]["code"]) == ("error", "r1", "unknown_type")
    await listener.disconnect()


async def test_a_burst_of_support_is_heard_as_one_exact_count(
    open_consultation, resident, moderator, user_with_role, settings
):
    settings.CONSULTATION_ENDORSEMENTS_COALESCE_SECONDS = 0.5  # the burst fits in one interval on a loaded machine
    contribution = await sync_to_async(services.contribution_submit)(
        actor=resident, consultation_id=open_consultation.pk, title="Un banc", body="Près de la fontaine."
    )
    others = [await sync_to_async(user_with_role)("resident", open_consultation.council) for _ in range(3)]
    watcher, _ = await _follow(open_consultation, moderator)

    for person in others:
        await sync_to_async(services.contribution_endorse)(actor=person, contribution_id=contribution.pk)
        await live.endorsements_changed_soon(contribution.pk)
    frame = await next_frame_of(watcher, "consultation.endorsements_changed")
    await coalesce.flush()

    assert frame["payload"] == {"consultation_id": open_consultation.pk, "contribution_id": contribution.pk, "endorsements": 3}
    await expect_silence(watcher)
    await watcher.disconnect()


async def test_support_through_the_page_reaches_open_pages(open_consultation, resident, moderator):
    contribution = await sync_to_async(services.contribution_submit)(
        actor=resident, consultation_id=open_consultation.pk, title="Un banc", body="Près de la fontaine."
    )
    watcher, _ = await _follow(open_consultation, AnonymousUser())
    client = AsyncClient()
    await sync_to_async(client.force_login)(moderator)
    url = reverse("contribution-endorse", args=[open_consultation.council.slug, open_consultation.pk, contribution.pk])

    response = await client.post(url, {"endorse": "1"})
    frame = await next_frame_of(watcher, "consultation.endorsements_changed")

    assert response.status_code == 302
    assert frame["payload"]["endorsements"] == 1
    await watcher.disconnect()


async def test_comments_and_moderation_arrive_without_the_hidden_reason(open_consultation, resident, moderator):
    contribution = await sync_to_async(services.contribution_submit)(
        actor=resident, consultation_id=open_consultation.pk, title="Un banc", body="Près de la fontaine."
    )
    reader, _ = await _follow(open_consultation, AnonymousUser())

    comment = await sync_to_async(services.comment_post)(actor=moderator, contribution_id=contribution.pk, body="Bonne idée", stance="for")
    posted = await next_frame_of(reader, "consultation.comment_posted")
    await sync_to_async(moderation.contribution_answer)(actor=moderator, contribution_id=contribution.pk, answer="Nous l'installons.")
    answered = await next_frame_of(reader, "consultation.contribution_changed")
    await sync_to_async(moderation.contribution_hide)(actor=moderator, contribution_id=contribution.pk, reason="Doublon injurieux")
    removed = await next_frame_of(reader, "consultation.contribution_removed")

    assert (posted["payload"]["comment"]["id"], posted["payload"]["comments"]) == (comment.pk, 1)
    assert (answered["payload"]["answer"], answered["payload"]["comments"]) == ("Nous l'installons.", 1)
    assert removed["payload"] == {"consultation_id": open_consultation.pk, "id": contribution.pk, "why": "hidden", "merged_into": None}
    await reader.disconnect()
