"""The right to read a questionnaire's results, changed while a consultation's pages are open: the
socket notices without a reconnect (consultation.capabilities_changed), joins or leaves the results
group, and closes once the consultation itself is no longer the person's to read.

Through the consultation's consumer in this process (in-memory layer); the same with a Daphne
process and a real WebSocket client: tests/e2e/test_consultation_rights.py."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from council.consultation import consumers
from council.consultation.live import rights_changed_on_commit
from council.consultation.models import Phase
from council.consultation.questionnaires import live
from council.core.realtime import send_event_on_commit
from council.councils.events import user_group
from council.councils.models import Role
from council.councils.services import role_grant
from council.councils.services import role_revoke
from tests.helpers import admin_page_as_posted
from tests.helpers import expect_silence
from tests.helpers import next_frame
from tests.helpers import next_frame_of
from tests.helpers import ws_communicator

pytestmark = pytest.mark.django_db(transaction=True)


async def _follow(questionnaire, user):
    consultation = await sync_to_async(lambda: questionnaire.consultation)()
    slug = await sync_to_async(lambda: consultation.council.slug)()
    socket = ws_communicator(f"/ws/c/{slug}/consultations/{consultation.pk}/", user=user)
    connected, _ = await socket.connect()
    assert connected
    synced = await next_frame(socket)
    assert synced["type"] == "consultation.consultation_synced"
    return socket, synced["payload"]["capabilities"]


async def _capabilities(socket) -> dict:
    return (await next_frame_of(socket, "consultation.capabilities_changed"))["payload"]["capabilities"]


async def test_a_role_given_then_taken_shows_then_hides_the_results_without_a_reconnect(
    make_questionnaire, resident, council, settings
):
    settings.QUESTIONNAIRE_RESULTS_COALESCE_SECONDS = 0  # sent at once, from this thread
    questionnaire = await sync_to_async(make_questionnaire)()  # answers open, results not public
    socket, at_connect = await _follow(questionnaire, resident)

    await sync_to_async(role_grant)(actor=None, council=council, user=resident, role=Role.FACILITATOR)
    given = await _capabilities(socket)
    # now in the results group: the facilitators' live results reach this socket
    await sync_to_async(live.results_changed_soon)(questionnaire.pk)
    heard = await next_frame_of(socket, "consultation.questionnaire_results_changed")
    await sync_to_async(role_revoke)(actor=None, council=council, user=resident)
    taken = await _capabilities(socket)
    await sync_to_async(live.results_changed_soon)(questionnaire.pk)

    assert (at_connect, given, taken) == ({"view_results": False}, {"view_results": True}, {"view_results": False})
    assert heard["payload"]["questionnaire_id"] == questionnaire.pk
    await expect_silence(socket)  # left the results group with the right
    await socket.disconnect()


async def test_results_made_public_in_the_admin_reach_open_pages_and_nothing_else_is_sent(
    make_questionnaire, resident, council, user_with_role, client
):
    questionnaire = await sync_to_async(make_questionnaire)(phase="results", public=False)
    administrator = await sync_to_async(user_with_role)("administrator", council)
    await sync_to_async(client.force_login)(administrator)
    url = reverse("admin:questionnaires_questionnaire_change", args=[questionnaire.pk])
    visitor, visitor_at_connect = await _follow(questionnaire, AnonymousUser())
    socket, _ = await _follow(questionnaire, resident)

    page = await sync_to_async(client.get)(url)
    response = await sync_to_async(client.post)(url, {**admin_page_as_posted(page), "results_public": "on"})
    made_public = [await _capabilities(socket), await _capabilities(visitor)]
    await sync_to_async(client.post)(url, {**admin_page_as_posted(page), "title": "Vos trajets"})  # unticked
    hidden_again = [await _capabilities(socket), await _capabilities(visitor)]
    await sync_to_async(client.post)(url, {**admin_page_as_posted(page), "title": "Vos trajets, encore"})  # no change

    assert response.status_code == 302
    assert visitor_at_connect == {"view_results": False}
    assert made_public == [{"view_results": True}] * 2
    assert hidden_again == [{"view_results": False}] * 2
    await expect_silence(visitor)  # the third save changed nobody's rights: nothing sent
    await expect_silence(socket)
    await visitor.disconnect()
    await socket.disconnect()


async def test_the_results_phase_beginning_opens_the_results_on_open_pages(make_questionnaire, resident, monkeypatch):
    monkeypatch.setattr(consumers, "PHASE_CHANGE_SPREAD_SECONDS", 0)
    questionnaire = await sync_to_async(make_questionnaire)(public=True)  # public once the results phase begins
    soon = timezone.now() + timedelta(seconds=1.5)
    await sync_to_async(_results_phase_from)(questionnaire.consultation_id, soon)
    socket, at_connect = await _follow(questionnaire, resident)

    opened = await next_frame_of(socket, "consultation.capabilities_changed", wait=6)

    assert at_connect == {"view_results": False}
    assert opened["payload"] == {"consultation_id": questionnaire.consultation_id, "capabilities": {"view_results": True}}
    await socket.disconnect()


def _results_phase_from(consultation_id: int, moment) -> None:
    Phase.objects.filter(consultation_id=consultation_id, kind="questionnaire").update(ends_at=moment)
    Phase.objects.filter(consultation_id=consultation_id, kind="results").update(starts_at=moment)


async def test_a_consultation_unpublished_closes_a_visitors_page_and_other_news_is_ignored(
    make_questionnaire, resident
):
    questionnaire = await sync_to_async(make_questionnaire)()
    visitor, _ = await _follow(questionnaire, AnonymousUser())
    socket, _ = await _follow(questionnaire, resident)

    await sync_to_async(_workshop_news_to)(resident.pk)  # another module's event to the person's group
    await expect_silence(socket)
    await sync_to_async(_unpublish)(questionnaire.consultation_id)
    closed = await visitor.receive_output(3)

    assert closed == {"type": "websocket.close", "code": 4403}
    await socket.disconnect()


def _workshop_news_to(user_id: int) -> None:
    with transaction.atomic():
        send_event_on_commit(user_group(user_id), "workshops.cofacilitation_changed", {"workshop_id": 1})


def _unpublish(consultation_id: int) -> None:
    from council.consultation.models import Consultation

    with transaction.atomic():
        Consultation.objects.filter(pk=consultation_id).update(is_published=False)
        rights_changed_on_commit(consultation_id)
