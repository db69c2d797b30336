"""Consultation in meetings: a facilitator brings a contribution onto the stage and the agenda over
real room sockets (everyone in the meeting receives it, a late socket finds it in its snapshot), and
turns a workshop's report back into a contribution (workshops' report destinations); the rules as
the "Consultation in meetings" table of docs/permissions.md says."""

import re

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation
from rules.permissions import permissions as registered_permissions

from council.consultation import services
from council.consultation.meetings import reports
from council.consultation.meetings.permissions import Presentation
from council.consultation.models import Contribution
from council.consultation.models import Follow
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.models import Role
from council.councils.services import role_grant
from council.groups.models import NeighbourhoodGroup
from council.rooms.models import Room
from council.workshops.destinations import ReportBack
from council.workshops.models import Report
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from tests.consultation.conftest import phases_around
from tests.factories import UserFactory
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import next_frame_of
from tests.helpers import room_path
from tests.helpers import ws_communicator
from tests.rooms.test_permissions import DOC

MARKER = "<!-- consultation meetings matrix: default -->"


def _matrix() -> list[tuple[str, str, str, bool]]:
    """(role, permission, on, allowed) of the table after MARKER."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(MARKER)
    roles = [cell.strip() for cell in lines[start + 1].strip("|").split("|")][2:]
    cases = []
    for row in lines[start + 3 :]:
        if not row.startswith("|"):
            break
        action, on, *values = [cell.strip() for cell in row.strip("|").split("|")]
        perm = re.match(r"`(?P<perm>[a-z_]+\.[a-z_]+)`", action).group("perm")
        cases += [(role, perm, on, value == "yes") for role, value in zip(roles, values, strict=True)]
    return cases


MATRIX = _matrix()


def _consultation(room, author, *, phase="contributions", title="Place du marché"):
    """A published consultation of the room's council in `phase`, with one contribution of `author`."""
    moderator = UserFactory()
    role_grant(actor=None, council=room.council, user=moderator, role=Role.FACILITATOR)
    consultation = services.consultation_create(
        actor=moderator, council=room.council, title=title, phases=phases_around(phase), is_published=True
    )
    contribution = Contribution.objects.create(consultation=consultation, author=author, title="Des arbres", body="Le long de la rue.")
    return consultation, contribution


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "perm", "on", "allowed"), MATRIX, ids=[f"{r}-{p}" for r, p, _o, _a in MATRIX])
def test_matrix_cell(role, perm, on, allowed, room, user_with_role):
    person = AnonymousUser() if role == "visitor" else user_with_role(None if role == "outsider" else role, room.council)
    consultation, contribution = _consultation(room, user_with_role("resident", room.council))
    objects = {"presentation": Presentation(room=room, contribution=contribution), "consultation": consultation}

    assert person.has_perm(perm, objects[on]) is allowed


def test_every_permission_is_in_the_table():
    registered = {name for name in registered_permissions if name.startswith("consultation_meetings.")}

    assert {perm for _r, perm, _o, _a in MATRIX} == registered


async def ask(socket, type_, request_id, **payload):
    await socket.send_json_to(command(type_, request_id, **payload))
    return await answer_to(socket, request_id)


@pytest.mark.django_db(transaction=True)
async def test_a_contribution_on_the_stage_and_the_agenda_reaches_everyone_in_the_meeting(room, user_with_role):
    make = database_sync_to_async(user_with_role)
    facilitator = await make("facilitator", room.council, preferred_language="en")
    resident = await make("resident", room.council, preferred_language="en")
    _, contribution = await database_sync_to_async(_consultation)(room, resident)
    chair, snapshot = await connect(room_path(room.pk), user=facilitator)
    person, _ = await connect(room_path(room.pk), user=resident)

    refused = await ask(person, "consultation.show_contribution", "p1", contribution_id=contribution.pk)
    shown = await ask(chair, "consultation.show_contribution", "s1", contribution_id=contribution.pk)
    card = (await next_frame_of(person, "consultation.stage_changed"))["payload"]["contribution"]
    _, late = await connect(room_path(room.pk), user=resident)
    added = await ask(chair, "consultation.add_to_agenda", "a1", contribution_id=contribution.pk)
    agenda = (await next_frame_of(person, "workshops.agenda_changed"))["payload"]
    twice = await ask(chair, "consultation.add_to_agenda", "a2", contribution_id=contribution.pk)
    await ask(chair, "consultation.show_contribution", "s2", contribution_id=None)
    ended = (await next_frame_of(person, "consultation.stage_changed"))["payload"]

    assert snapshot["payload"]["consultation_stage"] is None
    assert (refused["type"], refused["payload"]["code"]) == ("error", "forbidden")
    assert shown["payload"] == {"contribution_id": contribution.pk}
    assert (card["title"], card["body"], card["consultation"], card["endorsements"]) == (
        "Des arbres", "Le long de la rue.", "Place du marché", 0
    )
    assert late["payload"]["consultation_stage"]["contribution_id"] == contribution.pk
    [item] = agenda["items"]
    assert (item["id"], item["title"]) == (added["payload"]["item_id"], "Contribution: Des arbres")
    assert [(a["kind"], a["id"]) for a in item["attached"]] == [("contribution", contribution.pk)]
    assert (twice["type"], twice["payload"]["message"]) == ("error", "This contribution is already on the meeting's agenda.")
    assert ended == {"room_id": room.pk, "contribution": None}
    for socket in (chair, person):
        await socket.disconnect()


@pytest.mark.django_db
def test_a_workshops_report_back_becomes_a_contribution_of_an_open_consultation(client, room, user_with_role):
    facilitator = user_with_role("facilitator", room.council)
    consultation, _ = _consultation(room, user_with_role("resident", room.council))
    closed, _ = _consultation(room, facilitator, phase="results", title="Consultation close")
    session = WorkshopSession.objects.create(room=room, title="Ateliers")
    breakout = Room.objects.create(council=room.council, name="Atelier A", parent=room)
    workshop = Workshop.objects.create(session=session, name="Mobilité", topic="Vélo", room=breakout)
    Report.objects.create(workshop=workshop, summary="Plus de pistes.", proposals=["Une piste rue Haute", "Des arceaux"], updated_by=facilitator)
    client.force_login(facilitator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = reverse("workshop-report-send", args=[room.council.slug, session.pk, workshop.pk])

    page = client.get(reverse("workshop-outputs", args=[room.council.slug, session.pk])).content.decode()
    sent = client.post(url, {"destination": f"consultation:{consultation.pk}"})
    client.post(url, {"destination": f"consultation:{consultation.pk}"})  # sent twice: one contribution
    refused = client.post(url, {"destination": f"consultation:{closed.pk}"}, follow=True)

    made = Contribution.objects.get(consultation=consultation, author=facilitator)
    assert f'value="consultation:{consultation.pk}"' in page
    assert f'value="consultation:{closed.pk}"' not in page  # not taking contributions
    assert sent.status_code == 302
    assert made.title == "Workshop “Mobilité”: Vélo"
    assert made.body == "Plus de pistes.\n\nKey proposals:\n- Une piste rue Haute\n- Des arceaux"
    assert not Contribution.objects.filter(consultation=closed, author=facilitator, title__startswith="Workshop").exists()
    assert "consultation" in refused.content.decode().lower()


def _report(council, workshop_id=1, **fields):
    return ReportBack(**({
        "council_id": council.pk, "workshop_id": workshop_id, "name": "Mobilité", "topic": "Vélo",
        "summary": "Plus de pistes.", "proposals": ("Des arceaux",),
    } | fields))


@pytest.mark.django_db(transaction=True)
async def test_a_report_back_goes_through_the_consultations_own_write_path(council, moderator, make_consultation, user_with_role):
    """Eligibility is the residents' (the facilitator writes for the workshop), the phase rule is theirs too,
    and the contribution is made as theirs is: its text checked, followed by its author, announced live."""
    group = await database_sync_to_async(NeighbourhoodGroup.objects.create)(council=council, name="Quartier nord")
    open_one = await database_sync_to_async(make_consultation)(groups=[group])  # the facilitator is not in the group
    later = await database_sync_to_async(make_consultation)(phase=None, title="Plus tard")
    visitor = ws_communicator(f"/ws/c/{council.slug}/consultations/{open_one.pk}/", user=AnonymousUser())
    assert (await visitor.connect())[0]
    report = _report(council)
    send = database_sync_to_async(translation.override("en")(reports.report_to_contribution))

    url = await send(actor=moderator, report=report, choice_id=open_one.pk)
    published = await next_frame_of(visitor, "consultation.contribution_published")
    again = await send(actor=moderator, report=report, choice_id=open_one.pk)
    with pytest.raises(AccessDenied) as not_yet:
        await send(actor=moderator, report=report, choice_id=later.pk)
    with pytest.raises(InvalidInput) as too_long:
        await send(actor=moderator, report=_report(council, 2, summary="x" * 6000), choice_id=open_one.pk)
    resident = await database_sync_to_async(user_with_role)("resident", council)
    with pytest.raises(AccessDenied):
        await send(actor=resident, report=_report(council, 3), choice_id=open_one.pk)

    made = await database_sync_to_async(Contribution.objects.get)(consultation=open_one)
    assert url == again
    assert (published["payload"]["id"], published["payload"]["title"]) == (made.pk, "Workshop “Mobilité”: Vélo")
    assert await database_sync_to_async(Follow.objects.filter(contribution=made, user=moderator).exists)()
    assert not_yet.value.message.startswith("Contributions open on")
    assert too_long.value.message.startswith("The text is too long (")
    await visitor.disconnect()
