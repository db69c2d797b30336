"""Report back: a summary and a few proposals, checked, shown side by side to the plenary."""

import pytest
from channels.db import database_sync_to_async
from pycrdt import Doc
from pycrdt import Text

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.rooms.events import facilitators_group
from council.rooms.events import room_group
from council.workshops import services
from council.workshops.models import Report
from council.workshops.notes import notes_apply
from council.workshops.reports import report_save
from council.workshops.reports import reports_visible_to
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import expect_silence
from tests.helpers import next_frame_of
from tests.helpers import room_path


@pytest.fixture
def running(facilitator, members, make_session):
    """Two open workshops (by hand): members 0 and 1 in the first, member 2 in the second."""
    session = make_session(2, mode="manual")
    first, second = session.workshops.order_by("position")
    for member, workshop in ((members[0], first), (members[1], first), (members[2], second)):
        services.assignment_set(actor=facilitator, session_id=session.pk, user_id=member.pk, workshop_id=workshop.pk)
    services.session_open(actor=facilitator, session_id=session.pk)
    return session, first, second


def _notes(actor, workshop, text):
    doc = Doc()
    doc.get("notes", type=Text).insert(0, text)
    notes_apply(actor=actor, workshop_id=workshop.pk, update=doc.get_update())


# -- the service


@pytest.mark.django_db
def test_member_saves_the_report_and_its_workshop_and_the_facilitators_hear_it(
    running, members, captured_events, django_capture_on_commit_callbacks
):
    session, first, _second = running

    with django_capture_on_commit_callbacks(execute=True):
        result = report_save(
            actor=members[0],
            workshop_id=first.pk,
            summary="  Plus de verdure.  ",
            proposals=["Un jardin partagé", "", "  Des bancs  "],
        )

    report = Report.objects.get(workshop=first)
    assert (report.summary, report.proposals, report.updated_by) == (
        "Plus de verdure.",
        ["Un jardin partagé", "Des bancs"],
        members[0],
    )
    assert result["report"]["proposals"] == ["Un jardin partagé", "Des bancs"]
    # While the workshops run, only the workshop's room and those who run the meeting hear it.
    assert [group for group, _message in captured_events] == [
        facilitators_group(session.room_id),
        room_group(first.room_id),
    ]
    message = captured_events[0][1]
    assert message["type"] == "workshops.report_updated"
    assert message["payload"]["workshop_id"] == first.pk
    assert message["payload"]["report"]["summary"] == "Plus de verdure."
    assert message["payload"]["by"] == {"id": members[0].pk, "name": "Membre 00"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("summary", "proposals", "message"),
    [
        ("", ["a", "b", "c", "d"], "A workshop reports at most 3 key proposals."),
        ("", ["a", "b", "  ", "c", "d"], "A workshop reports at most 3 key proposals."),
    ],
    ids=["too many proposals", "blank ones do not count"],
)
def test_invalid_reports_are_refused_with_a_clear_error(
    summary, proposals, message, running, members, captured_events, django_capture_on_commit_callbacks
):
    _session, first, _second = running

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput) as refused:
        report_save(actor=members[0], workshop_id=first.pk, summary=summary, proposals=proposals)

    assert refused.value.message == message
    assert not Report.objects.filter(workshop=first).exists()
    assert captured_events == []


@pytest.mark.django_db
def test_the_session_decides_how_many_proposals(running, members, facilitator):
    session, first, _second = running
    services.session_update(actor=facilitator, session_id=session.pk, max_proposals=5)

    report_save(actor=members[0], workshop_id=first.pk, summary="", proposals=["1", "2", "3", "4", "5"])

    assert Report.objects.get(workshop=first).proposals == ["1", "2", "3", "4", "5"]


@pytest.mark.django_db
def test_member_of_another_workshop_cannot_write_its_report(running, members, resident):
    _session, first, _second = running

    for person in (members[2], members[5], resident):
        with pytest.raises(AccessDenied):
            report_save(actor=person, workshop_id=first.pk, summary="Pas à moi", proposals=[])

    assert not Report.objects.filter(workshop=first).exists()


@pytest.mark.django_db
def test_members_may_finish_their_report_after_closing(running, members, facilitator):
    session, first, _second = running
    services.session_close(actor=facilitator, session_id=session.pk, grace_seconds=0)

    report_save(actor=members[1], workshop_id=first.pk, summary="Fini après coup", proposals=[])

    assert Report.objects.get(workshop=first).summary == "Fini après coup"


@pytest.mark.django_db
def test_reports_are_for_facilitators_until_the_workshops_close(running, members, facilitator):
    session, first, _second = running
    report_save(actor=members[0], workshop_id=first.pk, summary="Verdure", proposals=["Jardin"])
    _notes(members[0], first, "Nos notes")

    assert reports_visible_to(user=members[5], plenary_id=session.room_id) is None
    assert reports_visible_to(user=facilitator, plenary_id=session.room_id)[0]["summary"] == "Verdure"

    services.session_close(actor=facilitator, session_id=session.pk, grace_seconds=0)

    reports = reports_visible_to(user=members[5], plenary_id=session.room_id)
    assert [(r["name"], r["summary"], r["proposals"], r["notes_text"], r["members"]) for r in reports] == [
        ("Atelier 1", "Verdure", ["Jardin"], "Nos notes", 2),
        ("Atelier 2", "", [], "", 1),
    ]


# -- through real sockets

SOCKET = pytest.mark.django_db(transaction=True)


@SOCKET
async def test_report_reaches_the_plenary_side_by_side_after_closing(room, members, facilitator, running):
    session, first, second = running
    await database_sync_to_async(services.session_close)(actor=facilitator, session_id=session.pk, grace_seconds=0)
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    follower, follower_snapshot = await connect(room_path(room.pk), user=members[5])
    writer, _ = await connect(room_path(room.pk), user=members[0])  # back in the plenary too
    assert [r["workshop_id"] for r in follower_snapshot["payload"]["reports"]] == [first.pk, second.pk]

    await writer.send_json_to(
        command(
            "workshops.save_report", "r1", workshop_id=first.pk, summary="Plus d'arbres", proposals=["Planter", "Arroser"]
        )
    )

    assert (await answer_to(writer, "r1"))["type"] == "ack"
    for communicator in (boss, follower):
        updated = await next_frame_of(communicator, "workshops.report_updated")
        assert updated["payload"]["workshop_id"] == first.pk
        assert updated["payload"]["report"]["summary"] == "Plus d'arbres"
        assert updated["payload"]["report"]["proposals"] == ["Planter", "Arroser"]
    for communicator in (boss, follower, writer):
        await communicator.disconnect()


@SOCKET
async def test_while_running_a_report_stays_with_its_workshop_and_the_facilitators(
    room, members, facilitator, running
):
    _session, first, _second = running
    boss, boss_snapshot = await connect(room_path(room.pk), user=facilitator)
    writer, _ = await connect(room_path(room.pk), user=members[0])
    teammate, _ = await connect(room_path(room.pk), user=members[1])
    other, other_snapshot = await connect(room_path(room.pk), user=members[2])
    assert boss_snapshot["payload"]["reports"] is not None
    assert other_snapshot["payload"]["reports"] is None

    await writer.send_json_to(
        command("workshops.save_report", "r1", workshop_id=first.pk, summary="En cours", proposals=[])
    )

    assert (await answer_to(writer, "r1"))["type"] == "ack"
    for communicator in (boss, teammate):
        updated = await next_frame_of(communicator, "workshops.report_updated")
        assert updated["payload"]["report"]["summary"] == "En cours"
    await expect_silence(other)
    for communicator in (boss, writer, teammate, other):
        await communicator.disconnect()


@SOCKET
async def test_socket_reports_invalid_reports(room, members, running):
    _session, first, _second = running
    writer, _ = await connect(room_path(room.pk), user=members[0])

    await writer.send_json_to(
        command("workshops.save_report", "r1", workshop_id=first.pk, summary="", proposals=["1", "2", "3", "4"])
    )
    await writer.send_json_to(command("workshops.save_report", "r2", workshop_id="un", summary=""))

    refused = await answer_to(writer, "r1")
    assert (refused["type"], refused["payload"]["code"]) == ("error", "invalid")
    # in the person's language: French, the default of a profile with none chosen
    assert refused["payload"]["message"] == "Un atelier restitue au plus 3 propositions clés."
    assert (await answer_to(writer, "r2"))["payload"]["code"] == "invalid"
    await writer.disconnect()


@SOCKET
async def test_reports_command_answers_once_closed(room, members, facilitator, running):
    session, first, second = running
    follower, _ = await connect(room_path(room.pk), user=members[5])

    await follower.send_json_to(command("workshops.reports", "q1", session_id=session.pk))
    assert (await answer_to(follower, "q1"))["payload"]["code"] == "forbidden"

    await database_sync_to_async(services.session_close)(actor=facilitator, session_id=session.pk, grace_seconds=0)
    await follower.send_json_to(command("workshops.reports", "q2", session_id=session.pk))
    answer = await answer_to(follower, "q2")
    assert answer["type"] == "ack"
    assert [r["workshop_id"] for r in answer["payload"]["reports"]] == [first.pk, second.pk]
    await follower.disconnect()
