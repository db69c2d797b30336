"""Polls and votes attached to the meeting's agenda through the host's registry (council/rooms/agenda_links.py).

The agenda is the workshops module's; polls and votes are voting's. Neither imports the
other: an item is known by its id, and an item removed since is an unknown item.
"""

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from council.core.errors import InvalidInput
from council.rooms import agenda_links
from council.voting.ballots import services as ballots
from council.voting.ballots.forms import VoteForm
from council.voting.ballots.services import VoteDraft
from council.voting.polls import services
from council.voting.polls.models import Poll
from council.voting.polls.selectors import polls_list_payload
from council.voting.polls.selectors import polls_section
from council.workshops import agenda
from tests.factories import RoomFactory
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import next_frame_of
from tests.helpers import room_path


def add_items(facilitator, room, *titles):
    return [agenda.agenda_item_add(actor=facilitator, room_id=room.pk, title=title)["item_id"] for title in titles]


@pytest.mark.django_db
def test_the_registry_offers_the_rooms_items_and_knows_an_unknown_one(room, facilitator):
    first, second = add_items(facilitator, room, "Accueil", "Budget du parc")
    agenda.agenda_item_start(actor=facilitator, room_id=room.pk, item_id=second)
    elsewhere = add_items(facilitator, RoomFactory(council=room.council), "Ailleurs")[0]

    assert agenda_links.items(room.pk) == [
        agenda_links.AgendaItemRef(id=first, title="Accueil", position=0, current=False),
        agenda_links.AgendaItemRef(id=second, title="Budget du parc", position=1, current=True),
    ]
    assert agenda_links.current(room.pk).id == second
    assert agenda_links.item(room.pk, elsewhere) is None  # another meeting's item is unknown here
    assert agenda_links.item(room.pk, None) is None


@pytest.mark.django_db
def test_a_poll_is_prepared_for_an_item_of_its_meeting_only(room, facilitator, make_poll):
    item = add_items(facilitator, room, "Budget du parc")[0]
    other = add_items(facilitator, RoomFactory(council=room.council), "Ailleurs")[0]

    poll_id = make_poll(agenda_item=item)
    with pytest.raises(InvalidInput, match="no such item on this meeting's agenda"):
        make_poll(question="Et là ?", agenda_item=other)
    with pytest.raises(InvalidInput, match="no such item on this meeting's agenda"):
        services.poll_update(actor=facilitator, room_id=room.pk, poll_id=poll_id, agenda_item=other)

    poll = Poll.objects.get(pk=poll_id)
    assert (poll.agenda_item, poll.label) == (item, "")
    drafts = polls_list_payload(room.pk)["polls"]
    assert [(p["agenda_item"], p["agenda_title"]) for p in drafts] == [(item, "Budget du parc")]


@pytest.mark.django_db
def test_without_an_agenda_the_free_label_remains(room, facilitator, make_poll):
    poll_id = make_poll(label="Point 3")

    section = polls_section(facilitator, room)
    assert section["agenda"] == []
    assert [(p["id"], p["label"], p["agenda_item"], p["agenda_title"]) for p in section["drafts"]] == [
        (poll_id, "Point 3", None, None)
    ]


@pytest.mark.django_db
def test_removing_the_item_leaves_the_poll_whole(room, facilitator, resident, make_poll):
    item = add_items(facilitator, room, "Budget du parc")[0]
    poll_id = make_poll(agenda_item=item, open=True)
    agenda.agenda_item_remove(actor=facilitator, room_id=room.pk, item_id=item)

    section = polls_section(resident, room)
    assert (section["open"]["id"], section["open"]["agenda_item"], section["open"]["agenda_title"]) == (
        poll_id, item, None
    )
    services.poll_close(actor=facilitator, room_id=room.pk, poll_id=poll_id)
    assert polls_section(resident, room)["closed"][0]["agenda_title"] is None
    # a draft attached to a removed item can still be changed without choosing another item
    draft = make_poll(question="Encore ?", agenda_item=add_items(facilitator, room, "Autre")[0])
    agenda.agenda_item_remove(actor=facilitator, room_id=room.pk, item_id=Poll.objects.get(pk=draft).agenda_item)
    services.poll_update(actor=facilitator, room_id=room.pk, poll_id=draft, question="Encore, vraiment ?")
    assert Poll.objects.get(pk=draft).question == "Encore, vraiment ?"


@pytest.mark.django_db
def test_the_agenda_shows_launched_polls_and_votes_under_their_item_not_drafts(room, facilitator, make_poll):
    budget, works = add_items(facilitator, room, "Budget du parc", "Travaux")
    opened = make_poll(question="Un banc ici ?", kind="yes_no", agenda_item=budget, open=True)
    make_poll(question="Brouillon secret ?", kind="yes_no", agenda_item=budget)  # a draft: not shown
    vote = ballots.vote_create(
        actor=facilitator, council=room.council,
        draft=VoteDraft(title="Motion travaux", method="majority_simple", room_id=room.pk, agenda_item=works),
    )
    draft_payload = agenda.agenda_payload(room=room)
    assert [item["attached"] for item in draft_payload["items"]] == [
        [{"kind": "poll", "id": opened, "title": "Un banc ici ?", "status": "open"}],
        [],  # the vote is in draft
    ]

    ballots.vote_freeze(actor=facilitator, vote_id=vote.pk)
    payload = agenda.agenda_payload(room=room)
    assert payload["items"][1]["attached"] == [
        {"kind": "vote", "id": vote.pk, "title": "Motion travaux", "status": "frozen"}
    ]


@pytest.mark.django_db
def test_a_vote_is_held_under_an_item_of_its_meeting(room, facilitator):
    item = add_items(facilitator, room, "Budget du parc")[0]
    other_room = RoomFactory(council=room.council)
    other = add_items(facilitator, other_room, "Ailleurs")[0]

    def draft(**fields):
        return VoteDraft(title="Motion", method="majority_simple", **fields)

    with pytest.raises(InvalidInput, match="no such item on this meeting's agenda"):
        ballots.vote_create(actor=facilitator, council=room.council, draft=draft(room_id=room.pk, agenda_item=other))
    vote = ballots.vote_create(actor=facilitator, council=room.council, draft=draft(room_id=room.pk, agenda_item=item))
    assert vote.agenda_item == item
    unlinked = ballots.vote_update(actor=facilitator, vote_id=vote.pk, draft=draft(agenda_item=item))
    assert (unlinked.room_id, unlinked.agenda_item) == (None, None)  # no meeting, no agenda item

    form = VoteForm(council=room.council)
    choices = form.fields["agenda_item"].choices
    assert (room.name, [(item, "1. Budget du parc")]) in choices
    assert (other_room.name, [(other, "1. Ailleurs")]) in choices


@pytest.mark.django_db(transaction=True)
async def test_the_agenda_snapshot_and_its_events_list_the_attached_poll(room, facilitator, resident):
    item = (await database_sync_to_async(agenda.agenda_item_add)(actor=facilitator, room_id=room.pk, title="Budget"))[
        "item_id"
    ]
    await database_sync_to_async(agenda.agenda_item_start)(actor=facilitator, room_id=room.pk, item_id=item)
    chair, chair_snapshot = await connect(room_path(room.pk), user=facilitator)
    assert chair_snapshot["payload"]["polls"]["agenda"] == [
        {"id": item, "title": "Budget", "position": 0, "current": True}
    ]

    await chair.send_json_to(command("polls.create", "c1", question="Un banc ici ?", kind="yes_no", agenda_item=item))
    poll_id = (await answer_to(chair, "c1"))["payload"]["poll_id"]
    await chair.send_json_to(command("polls.open", "o1", poll_id=poll_id))
    assert (await answer_to(chair, "o1"))["type"] == "ack"
    changed = await next_frame_of(chair, "workshops.agenda_changed")
    attached = {"kind": "poll", "id": poll_id, "title": "Un banc ici ?", "status": "open"}
    assert changed["payload"]["items"][0]["attached"] == [attached]

    person, snapshot = await connect(room_path(room.pk), user=resident)
    assert snapshot["payload"]["agenda"]["items"][0]["attached"] == [attached]
    assert snapshot["payload"]["polls"]["open"]["agenda_title"] == "Budget"
    assert snapshot["payload"]["polls"]["agenda"] is None  # the items for attaching: facilitators only
    await chair.disconnect()
    await person.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_facilitators_learn_the_current_item_to_launch_its_polls(room, facilitator):
    first, second = [
        (await database_sync_to_async(agenda.agenda_item_add)(actor=facilitator, room_id=room.pk, title=title))["item_id"]
        for title in ("Accueil", "Budget")
    ]
    chair, _snapshot = await connect(room_path(room.pk), user=facilitator)

    await chair.send_json_to(command("workshops.agenda_start", "s1", item_id=second))
    assert (await answer_to(chair, "s1"))["type"] == "ack"
    changed = await next_frame_of(chair, "polls.polls_changed")
    assert [(item["id"], item["current"]) for item in changed["payload"]["agenda"]] == [(first, False), (second, True)]
    await chair.disconnect()


@pytest.mark.django_db
def test_the_vote_page_names_its_agenda_item_or_says_it_was_removed(client, room, facilitator):
    item = add_items(facilitator, room, "Accueil", "Budget du parc")[1]
    vote = ballots.vote_create(
        actor=facilitator, council=room.council,
        draft=VoteDraft(title="Motion", method="majority_simple", room_id=room.pk, agenda_item=item),
    )
    client.force_login(facilitator)
    url = reverse("vote-detail", kwargs={"council_slug": room.council.slug, "vote_id": vote.pk})

    assert '<dd id="vote-agenda-item">2. Budget du parc</dd>' in client.get(url).content.decode()
    agenda.agenda_item_remove(actor=facilitator, room_id=room.pk, item_id=item)
    removed = '<dd id="vote-agenda-item">Un point retiré de l\u2019ordre du jour</dd>'  # the page speaks French first
    assert removed in client.get(url).content.decode()
