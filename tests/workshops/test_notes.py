"""Shared notes: concurrent typists converge, bad updates change nothing, only the workshop writes."""

import base64

import pytest
from channels.db import database_sync_to_async
from pycrdt import Doc
from pycrdt import Text

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.rooms.events import room_group
from council.workshops import notes as notes_service
from council.workshops import services
from council.workshops.models import Notes
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import expect_silence
from tests.helpers import next_frame_of
from tests.helpers import room_path


class Typist:
    """A browser's Yjs document, played by pycrdt (the same wire format)."""

    def __init__(self, state: bytes = b"") -> None:
        self.doc = Doc()
        if state:
            self.doc.apply_update(state)
        self.text = self.doc.get("notes", type=Text)

    def _offset(self, index: int) -> int:
        return len(str(self.text)[:index].encode())  # pycrdt counts UTF-8 bytes, Yjs UTF-16 units

    def insert(self, index: int, value: str) -> bytes:
        """Type `value` at character `index`; return the update a browser would send."""
        before = self.doc.get_state()
        self.text.insert(self._offset(index), value)
        return self.doc.get_update(before)

    def delete(self, index: int, length: int) -> bytes:
        before = self.doc.get_state()
        del self.text[self._offset(index) : self._offset(index + length)]
        return self.doc.get_update(before)

    def receive(self, update: bytes) -> None:
        self.doc.apply_update(update)

    def __str__(self) -> str:
        return str(self.text)


def _stored(workshop) -> tuple[bytes, str]:
    notes = Notes.objects.filter(workshop=workshop).first()
    return (bytes(notes.state), notes.text) if notes else (b"", "")


@pytest.fixture
def running(facilitator, members, make_session):
    """Two open workshops: members 0 and 1 in the first, member 2 in the second, by hand
    (so people arriving later wait in the plenary)."""
    session = make_session(2, mode="manual")
    first, second = session.workshops.order_by("position")
    for member, workshop in ((members[0], first), (members[1], first), (members[2], second)):
        services.assignment_set(actor=facilitator, session_id=session.pk, user_id=member.pk, workshop_id=workshop.pk)
    services.session_open(actor=facilitator, session_id=session.pk)
    return session, first, second


# -- the service


@pytest.mark.django_db
def test_concurrent_typists_converge_whatever_the_order(running, members):
    _session, first, second = running
    seed = Typist()
    base = seed.insert(0, "Idées: ")
    notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=base)
    notes_service.notes_apply(actor=members[2], workshop_id=second.pk, update=base)
    alice, bob = Typist(base), Typist(base)

    from_alice = alice.insert(7, "un jardin partagé")  # both type at the same place, at once
    from_bob = bob.insert(7, "des bancs")
    notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=from_alice)
    notes_service.notes_apply(actor=members[1], workshop_id=first.pk, update=from_bob)
    notes_service.notes_apply(actor=members[2], workshop_id=second.pk, update=from_bob)
    notes_service.notes_apply(actor=members[2], workshop_id=second.pk, update=from_alice)

    state_one, text_one = _stored(first)
    _state_two, text_two = _stored(second)
    assert text_one == text_two
    assert text_one.startswith("Idées: ")
    assert "un jardin partagé" in text_one
    assert "des bancs" in text_one
    assert len(text_one) == len("Idées: un jardin partagédes bancs")
    for typist in (alice, bob):  # each browser, given the server's document, shows the same text
        typist.receive(state_one)
        assert str(typist) == text_one


@pytest.mark.django_db
def test_deletions_and_insertions_merge(running, members):
    _session, first, _second = running
    alice = Typist()
    notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=alice.insert(0, "1. Vélos\n2. Arbres\n"))
    bob = Typist(_stored(first)[0])

    removed = alice.delete(0, len("1. Vélos\n"))  # Alice deletes the first line while Bob adds a third
    added = bob.insert(len("1. Vélos\n2. Arbres\n"), "3. Bancs\n")
    notes_service.notes_apply(actor=members[1], workshop_id=first.pk, update=added)
    notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=removed)

    assert _stored(first)[1] == "2. Arbres\n3. Bancs\n"


@pytest.mark.django_db
def test_update_is_relayed_to_the_workshop_after_commit(
    running, members, captured_events, django_capture_on_commit_callbacks
):
    _session, first, _second = running
    update = Typist().insert(0, "Bonjour")

    with django_capture_on_commit_callbacks(execute=True):
        notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=update)

    assert [(group, message["payload"]) for group, message in captured_events] == [
        (
            room_group(first.room_id),
            {
                "workshop_id": first.pk,
                "update": base64.b64encode(update).decode(),
                "by": {"id": members[0].pk, "name": "Membre 00"},
            },
        )
    ]
    assert captured_events[0][1]["type"] == "workshops.notes_updated"


@pytest.mark.django_db
def test_an_update_sent_twice_is_relayed_once(running, members, captured_events, django_capture_on_commit_callbacks):
    _session, first, _second = running
    update = Typist().insert(0, "Une fois")

    with django_capture_on_commit_callbacks(execute=True):
        notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=update)
        notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=update)

    assert len(captured_events) == 1
    assert _stored(first)[1] == "Une fois"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "update",
    [b"\xff\xff\xff\xff", b"not a yjs update at all", b"\x01\x02"],
    ids=["varint overflow", "text", "truncated"],
)
def test_malformed_update_is_refused_and_changes_nothing(
    update, running, members, captured_events, django_capture_on_commit_callbacks
):
    _session, first, _second = running
    notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=Typist().insert(0, "Gardé"))
    before = _stored(first)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput) as refused:
        notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=update)

    assert refused.value.code == "invalid"
    assert refused.value.message == "These changes to the notes could not be read."
    assert _stored(first) == before
    assert captured_events == []


@pytest.mark.django_db
def test_update_that_skips_earlier_changes_is_refused(running, members):
    _session, first, _second = running
    alice = Typist()
    earlier = alice.insert(0, "abc")
    later = alice.insert(3, "def")

    with pytest.raises(InvalidInput) as refused:
        notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=later)

    assert refused.value.code == "out_of_order"
    assert _stored(first) == (b"", "")
    notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=earlier)
    notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=later)
    assert _stored(first)[1] == "abcdef"


@pytest.mark.django_db
def test_notes_longer_than_the_limit_are_refused(running, members, monkeypatch):
    monkeypatch.setattr(notes_service, "MAX_CHARS", 20)
    _session, first, _second = running
    alice = Typist()
    notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=alice.insert(0, "x" * 20))

    with pytest.raises(InvalidInput) as refused:
        notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=alice.insert(20, "y"))

    assert refused.value.code == "too_long"
    assert refused.value.message == "The notes are limited to 20 characters."
    assert _stored(first)[1] == "x" * 20


@pytest.mark.django_db
def test_an_oversized_update_is_refused(running, members):
    _session, first, _second = running
    update = Typist().insert(0, "z" * (notes_service.MAX_UPDATE_BYTES + 1))

    with pytest.raises(InvalidInput) as refused:
        notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=update)

    assert refused.value.code == "too_large"
    assert _stored(first) == (b"", "")


@pytest.mark.django_db
def test_member_of_another_workshop_cannot_write(running, members):
    _session, first, _second = running
    notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=Typist().insert(0, "À nous"))
    before = _stored(first)

    with pytest.raises(AccessDenied):
        notes_service.notes_apply(actor=members[2], workshop_id=first.pk, update=Typist().insert(0, "Intrus"))

    assert _stored(first) == before


@pytest.mark.django_db
def test_unassigned_member_and_resident_cannot_write(running, members, resident):
    _session, first, _second = running

    for person in (members[5], resident):
        with pytest.raises(AccessDenied):
            notes_service.notes_apply(actor=person, workshop_id=first.pk, update=Typist().insert(0, "Non"))

    assert _stored(first) == (b"", "")


@pytest.mark.django_db
def test_members_cannot_write_once_closed_but_the_facilitator_can(running, members, facilitator):
    session, first, _second = running
    services.session_close(actor=facilitator, session_id=session.pk, grace_seconds=0)

    with pytest.raises(AccessDenied):
        notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=Typist().insert(0, "Trop tard"))
    notes_service.notes_apply(actor=facilitator, workshop_id=first.pk, update=Typist().insert(0, "Relu"))

    assert _stored(first)[1] == "Relu"


@pytest.mark.django_db
def test_snapshot_of_a_breakout_carries_the_notes(running, members, resident):
    _session, first, _second = running
    alice = Typist()
    notes_service.notes_apply(actor=members[0], workshop_id=first.pk, update=alice.insert(0, "Déjà écrit"))

    snapshot = notes_service.notes_snapshot(user=members[1], room_id=first.room_id)

    reader = Typist(base64.b64decode(snapshot["state"]))
    assert str(reader) == "Déjà écrit"
    assert (snapshot["workshop_id"], snapshot["can_edit"], snapshot["max_proposals"]) == (first.pk, True, 3)
    assert notes_service.notes_snapshot(user=members[1], room_id=first.session.room_id) is None


# -- through real sockets

SOCKET = pytest.mark.django_db(transaction=True)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@SOCKET
async def test_two_members_write_together_through_their_sockets(room, members, running):
    _session, first, _second = running
    alice_socket, alice_snapshot = await connect(room_path(room.pk), user=members[0])
    bob_socket, bob_snapshot = await connect(room_path(room.pk), user=members[1])
    assert alice_snapshot["payload"]["room"]["id"] == first.room_id  # sent into the workshop
    alice = Typist(base64.b64decode(alice_snapshot["payload"]["notes"]["state"]))
    bob = Typist(base64.b64decode(bob_snapshot["payload"]["notes"]["state"]))
    assert bob_snapshot["payload"]["notes"]["can_edit"] is True

    await alice_socket.send_json_to(
        command("workshops.notes_update", "n1", workshop_id=first.pk, update=_b64(alice.insert(0, "Bonjour ")))
    )
    assert (await answer_to(alice_socket, "n1"))["type"] == "ack"
    relayed = await next_frame_of(bob_socket, "workshops.notes_updated")
    assert relayed["payload"]["by"]["id"] == members[0].pk
    bob.receive(base64.b64decode(relayed["payload"]["update"]))
    assert str(bob) == "Bonjour "

    await bob_socket.send_json_to(
        command("workshops.notes_update", "n2", update=_b64(bob.insert(8, "l'atelier")))
    )
    assert (await answer_to(bob_socket, "n2"))["type"] == "ack"
    while True:  # Alice gets her own update back (ignored by Yjs), then Bob's
        relayed = await next_frame_of(alice_socket, "workshops.notes_updated")
        alice.receive(base64.b64decode(relayed["payload"]["update"]))
        if relayed["payload"]["by"]["id"] == members[1].pk:
            break
    assert str(alice) == str(bob) == "Bonjour l'atelier"
    assert (await database_sync_to_async(_stored)(first))[1] == "Bonjour l'atelier"
    for communicator in (alice_socket, bob_socket):
        await communicator.disconnect()


@SOCKET
async def test_other_workshop_does_not_hear_the_notes(room, members, running):
    _session, first, _second = running
    alice_socket, alice_snapshot = await connect(room_path(room.pk), user=members[0])
    other_socket, other_snapshot = await connect(room_path(room.pk), user=members[2])
    assert other_snapshot["payload"]["notes"]["workshop_id"] != first.pk
    alice = Typist(base64.b64decode(alice_snapshot["payload"]["notes"]["state"]))

    await alice_socket.send_json_to(command("workshops.notes_update", "n1", update=_b64(alice.insert(0, "Secret"))))
    assert (await answer_to(alice_socket, "n1"))["type"] == "ack"

    await expect_silence(other_socket)
    for communicator in (alice_socket, other_socket):
        await communicator.disconnect()


@SOCKET
async def test_socket_refuses_notes_outside_a_workshop_and_bad_input(room, members, running):
    _session, first, second = running
    plenary_socket, snapshot = await connect(room_path(room.pk), user=members[5])  # not assigned
    assert snapshot["payload"]["notes"] is None
    member_socket, _ = await connect(room_path(room.pk), user=members[0])

    await plenary_socket.send_json_to(command("workshops.notes_update", "p1", update=_b64(Typist().insert(0, "x"))))
    await member_socket.send_json_to(command("workshops.notes_update", "m1", update="%%% not base64"))
    await member_socket.send_json_to(
        command("workshops.notes_update", "m2", workshop_id=second.pk, update=_b64(Typist().insert(0, "x")))
    )
    await member_socket.send_json_to(command("workshops.notes_update", "m3", update=_b64(b"\xff\xff\xff")))

    assert (await answer_to(plenary_socket, "p1"))["payload"]["code"] == "not_in_workshop"
    assert (await answer_to(member_socket, "m1"))["payload"]["code"] == "invalid"
    assert (await answer_to(member_socket, "m2"))["payload"]["code"] == "not_in_workshop"
    assert (await answer_to(member_socket, "m3"))["payload"]["code"] == "invalid"
    assert (await database_sync_to_async(_stored)(first)) == (b"", "")
    for communicator in (plenary_socket, member_socket):
        await communicator.disconnect()


@SOCKET
async def test_visiting_facilitator_reads_and_writes_the_notes(room, members, facilitator, running):
    _session, first, _second = running
    member_socket, member_snapshot = await connect(room_path(room.pk), user=members[0])
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    member = Typist(base64.b64decode(member_snapshot["payload"]["notes"]["state"]))

    await boss.send_json_to(command("workshops.visit", "v1", workshop_id=first.pk))
    visited = await next_frame_of(boss, "rooms.room_synced")
    assert visited["payload"]["notes"]["workshop_id"] == first.pk
    assert visited["payload"]["notes"]["can_edit"] is True
    await member_socket.send_json_to(command("workshops.notes_update", "n1", update=_b64(member.insert(0, "Aidez-nous"))))

    relayed = await next_frame_of(boss, "workshops.notes_updated")
    boss_doc = Typist(base64.b64decode(visited["payload"]["notes"]["state"]))
    boss_doc.receive(base64.b64decode(relayed["payload"]["update"]))
    assert str(boss_doc) == "Aidez-nous"
    await boss.send_json_to(command("workshops.notes_update", "n2", update=_b64(boss_doc.insert(10, " : voici"))))
    assert (await answer_to(boss, "n2"))["type"] == "ack"
    assert (await database_sync_to_async(_stored)(first))[1] == "Aidez-nous : voici"
    for communicator in (member_socket, boss):
        await communicator.disconnect()


# -- the page's part


def test_notes_partial_labels_its_fields_and_starts_hidden():
    from django.template.loader import render_to_string

    html = render_to_string("workshops/_notes.html")

    assert '<label for="notes-text">Shared notes</label>' in html
    assert 'aria-describedby="notes-help notes-status"' in html
    assert "Everyone in the workshop can write here at the same time." in html
    assert '<section id="notes-section" class="panel notes" aria-labelledby="notes-heading" hidden>' in html
    assert '<section id="reports-section" class="panel reports" aria-labelledby="reports-heading" hidden>' in html
    assert 'id="report-status" class="help" role="status"' in html
    # Its strings come as one JSON block of its own (council/workshops/strings.py), not in the markup.
    assert "data-proposal-label" not in html


def test_notes_strings_are_delivered_with_one_placeholder_syntax_and_plural_forms():
    from council.workshops.strings import notes_strings

    strings = notes_strings()

    assert strings["proposal_label"] == "Proposal %(number)s"
    assert strings["members_count"] == {"one": "%(count)s member", "other": "%(count)s members"}
