"""The budget's socket: a visitor's page hears the count of submitted ballots, coalesced (one
count for a burst, drafts not counted), each frame as docs/asyncapi.yaml describes it."""


import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser

from council.budgeting import services
from tests.helpers import expect_silence
from tests.helpers import next_frame
from tests.helpers import next_frame_of
from tests.helpers import ws_communicator

pytestmark = pytest.mark.django_db(transaction=True)


def _path(budget) -> str:
    return f"/ws/c/{budget.council.slug}/budgets/{budget.pk}/"



@pytest.fixture
def open_budget(budget, projects):
    budget.council  # noqa: B018 - read here, not in the event loop
    return budget


async def test_a_burst_of_ballots_is_heard_as_one_exact_count_and_drafts_are_not_counted(
    open_budget, projects, user_with_role, redis_layer, settings
):
    settings.BUDGET_PARTICIPATION_COALESCE_SECONDS = 0.5  # the burst fits in one interval on a loaded machine
    voters = [await sync_to_async(user_with_role)("resident", open_budget.council) for _ in range(4)]
    page = ws_communicator(_path(open_budget), user=AnonymousUser())
    connected, _ = await page.connect()
    synced = await next_frame(page)

    cast = sync_to_async(services.ballot_cast)
    await cast(actor=voters[0], budget_id=open_budget.pk, choices=[projects[0].pk], draft=True)
    for person in voters[1:]:
        await cast(actor=person, budget_id=open_budget.pk, choices=[projects[0].pk, projects[1].pk])
    await cast(actor=voters[1], budget_id=open_budget.pk, choices=[projects[2].pk])  # a change: still one ballot
    frame = await next_frame_of(page, "budgeting.participation_changed")

    assert connected
    assert synced["type"] == "budgeting.budget_synced"
    assert (synced["payload"]["budget_id"], synced["payload"]["phase"], synced["payload"]["ballots"]) == (open_budget.pk, "vote", 0)
    assert frame["payload"] == {"budget_id": open_budget.pk, "ballots": 3}
    await expect_silence(page, wait=1.0)
    await page.disconnect()


async def test_a_draft_budget_is_refused_to_a_visitor(make_budget):
    draft = await sync_to_async(make_budget)("draft")
    await sync_to_async(lambda: draft.council)()
    page = ws_communicator(_path(draft), user=AnonymousUser())
    await page.connect()

    assert await page.receive_output(2) == {"type": "websocket.close", "code": 4403}
