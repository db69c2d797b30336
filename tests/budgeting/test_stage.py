"""A budget's results announced project by project on a meeting's stage, over real room sockets:
the facilitator reveals the next project and everyone receives it; a resident cannot; a socket
joining later finds what was revealed in its snapshot."""

from datetime import timedelta
from decimal import Decimal

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from council.budgeting.models import Budget
from council.budgeting.models import BudgetResult
from council.budgeting.models import ResultsAnnouncement
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import expect_silence
from tests.helpers import next_frame_of
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def facilitator(room, user_with_role):
    return user_with_role("facilitator", room.council, preferred_language="en")


@pytest.fixture
def resident(room, user_with_role):
    return user_with_role("resident", room.council, preferred_language="en")


@pytest.fixture
def budget(room):
    now = timezone.now()
    budget = Budget.objects.create(
        council=room.council, title="Budget 2026", amount=Decimal(1000),
        vote_starts_at=now - timedelta(days=9), vote_ends_at=now - timedelta(days=1),
    )
    first = budget.projects.create(title="Arbres", cost=600, feasibility="feasible")
    second = budget.projects.create(title="Composteur", cost=300, feasibility="feasible")
    BudgetResult.objects.create(
        budget=budget, status=BudgetResult.Status.DONE, rule=budget.rule, published_at=now,
        selected={rule: [first.pk, second.pk] for rule in Budget.Rule.values},
    )
    return budget


async def ask(socket, type_, request_id, **payload):
    await socket.send_json_to(command(type_, request_id, **payload))
    return await answer_to(socket, request_id)


async def test_the_facilitator_reveals_each_project_and_everyone_receives_it(room, facilitator, resident, budget):
    chair, snapshot = await connect(room_path(room.pk), user=facilitator)
    person, _ = await connect(room_path(room.pk), user=resident)
    assert snapshot["payload"]["budget_announcement"] is None

    started = await ask(chair, "budgeting.announce", "a1", budget_id=budget.pk)
    announced = (await next_frame_of(person, "budgeting.announcement_changed"))["payload"]["announcement"]
    revealed = await ask(chair, "budgeting.reveal_next", "r1")
    first = (await next_frame_of(person, "budgeting.announcement_changed"))["payload"]["announcement"]

    assert started["payload"] == {"revealed": 0}
    assert (announced["title"], announced["total"], announced["projects"]) == ("Budget 2026", 2, [])
    assert revealed["payload"] == {"revealed": 1}
    assert [p["title"] for p in first["projects"]] == ["Arbres"]
    assert (first["spent"], first["currency"]) == ("600.00", "EUR")

    # someone joining now finds the project revealed so far
    _, late = await connect(room_path(room.pk), user=resident)
    assert [p["title"] for p in late["payload"]["budget_announcement"]["projects"]] == ["Arbres"]

    await ask(chair, "budgeting.reveal_next", "r2")
    last = (await next_frame_of(person, "budgeting.announcement_changed"))["payload"]["announcement"]
    assert [p["title"] for p in last["projects"]] == ["Arbres", "Composteur"]
    beyond = await ask(chair, "budgeting.reveal_next", "r3")
    assert (beyond["type"], beyond["payload"]["message"]) == ("error", "Every selected project has been revealed.")


async def test_a_resident_cannot_announce_nor_reveal(room, facilitator, resident, budget):
    chair, _ = await connect(room_path(room.pk), user=facilitator)
    person, _ = await connect(room_path(room.pk), user=resident)
    await ask(chair, "budgeting.announce", "a1", budget_id=budget.pk)
    await next_frame_of(person, "budgeting.announcement_changed")

    refused_start = await ask(person, "budgeting.announce", "a2", budget_id=budget.pk)
    refused_reveal = await ask(person, "budgeting.reveal_next", "r1")

    assert (refused_start["type"], refused_start["payload"]["code"]) == ("error", "forbidden")
    assert (refused_reveal["type"], refused_reveal["payload"]["code"]) == ("error", "forbidden")
    await expect_silence(person)
    announcement = await database_sync_to_async(ResultsAnnouncement.objects.get)(room=room)
    assert announcement.revealed == 0


async def test_unpublished_results_are_announced_only_by_officials(room, user_with_role, budget):
    await database_sync_to_async(BudgetResult.objects.filter(budget=budget).update)(published_at=None)
    host = await database_sync_to_async(user_with_role)("member", room.council, preferred_language="en")
    await database_sync_to_async(_facilitate)(room, host)
    socket, _ = await connect(room_path(room.pk), user=host)

    refused = await ask(socket, "budgeting.announce", "a1", budget_id=budget.pk)

    assert (refused["type"], refused["payload"]["code"]) == ("error", "forbidden")


def _facilitate(room, user):
    from guardian.shortcuts import assign_perm

    assign_perm("rooms.facilitate_room", user, room)  # a member who runs this meeting only
