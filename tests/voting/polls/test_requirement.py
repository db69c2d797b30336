"""A poll's requirement set through the room page's polls form (over the socket) is enforced."""

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from council.accounts.services import verification_record
from council.core import coalesce
from council.voting.polls.models import Poll
from tests.helpers import connect
from tests.helpers import next_frame_of
from tests.helpers import room_path
from tests.voting.polls.test_live import ask

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _one_process(settings):
    settings.REDIS_URL = ""


def test_the_polls_form_offers_the_council_kinds(client, room, facilitator):
    client.force_login(facilitator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get(reverse("room-detail", args=[room.council.slug, room.pk])).content.decode()

    assert 'name="verification_requirement_0" value="code" id="polls-requirement_0_1"' in page
    assert 'name="verification_requirement_1" value="all" id="polls-requirement_1_1"' in page
    assert 'name="verification_requirement_0" value="census"' not in page  # no census list: not offered


async def test_a_poll_requiring_a_code_refuses_a_resident_without_one_with_the_link(room, facilitator, resident):
    chair, _ = await connect(room_path(room.pk), user=facilitator)
    person, _ = await connect(room_path(room.pk), user=resident)

    created = await ask(
        chair, "polls.create", "c1", question="Un banc ici ?", kind="yes_no",
        verification_requirement={"kinds": ["code"], "mode": "any"},
    )
    poll_id = created["payload"]["poll_id"]
    stored = await database_sync_to_async(lambda: Poll.objects.get(pk=poll_id).verification_requirement)()
    assert stored == {"kinds": ["code"], "mode": "any"}
    await ask(chair, "polls.open", "o1", poll_id=poll_id)
    await next_frame_of(person, "polls.poll_opened")

    refused = await ask(person, "polls.answer", "a1", poll_id=poll_id, answer={"kind": "yes_no", "vote": "yes"})
    assert refused["payload"]["code"] == "verification_required"
    assert refused["payload"]["link"].startswith(f"/c/{room.council.slug}/verifications/obtain/?kinds=code")

    await database_sync_to_async(verification_record)(user=resident, kind="code", council_id=room.council_id, claims={})
    accepted = await ask(person, "polls.answer", "a2", poll_id=poll_id, answer={"kind": "yes_no", "vote": "yes"})
    assert accepted["type"] == "ack"
    await coalesce.flush()


async def test_a_kind_the_council_does_not_offer_is_refused(room, facilitator):
    chair, _ = await connect(room_path(room.pk), user=facilitator)

    refused = await ask(
        chair, "polls.create", "c1", question="Un banc ici ?", kind="yes_no",
        verification_requirement={"kinds": ["census"], "mode": "any"},
    )

    assert refused["payload"] == {
        "code": "invalid", "message": "This council does not offer these verifications: Census check.",
    }
    assert not await database_sync_to_async(Poll.objects.exists)()


async def test_prepared_polls_carry_their_requirement_to_the_facilitators(room, facilitator):
    chair, snapshot = await connect(room_path(room.pk), user=facilitator)
    assert snapshot["payload"]["polls"]["drafts"] == []

    created = await ask(
        chair, "polls.create", "c1", question="Un banc ici ?", kind="yes_no",
        verification_requirement={"kinds": ["email", "code"], "mode": "all"},
    )
    changed = await next_frame_of(chair, "polls.polls_changed")
    await ask(chair, "polls.create", "c2", question="Une fête ?", kind="yes_no")
    again, snapshot = await connect(room_path(room.pk), user=facilitator)

    drafts = {poll["question"]: poll["verification_requirement"] for poll in snapshot["payload"]["polls"]["drafts"]}
    assert drafts == {"Un banc ici ?": {"kinds": ["email", "code"], "mode": "all"}, "Une fête ?": {}}
    [listed] = [poll for poll in changed["payload"]["polls"] if poll["id"] == created["payload"]["poll_id"]]
    assert listed["verification_requirement"] == {"kinds": ["email", "code"], "mode": "all"}
    await chair.disconnect()
    await again.disconnect()


def test_the_room_page_words_requirements_in_the_persons_language(client, room, user_with_role):
    """The socket carries kinds; the page's strings word them (frontend/src/verifications/requirement.js)."""
    chair = user_with_role("facilitator", room.council, preferred_language="fr")
    client.force_login(chair)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"

    response = client.get(reverse("room-detail", args=[room.council.slug, room.pk]))

    [strings] = [panel["strings"] for panel in response.context["panels"] if panel["name"] == "polls"]
    assert strings["required_to_answer"] == "Exigé pour répondre\u00a0: %(kinds)s"
    assert strings["requirement"]["all"] == "%(first)s et %(last)s"
    assert strings["requirement"]["any"] == "%(first)s ou %(last)s"
    assert strings["requirement"]["kinds"]["code"] == "Code remis par le conseil"
    assert strings["requirement"]["kinds"]["franceconnect"] == "FranceConnect"
