"""Rights follow the floor: given or taken, the person's capabilities come again at once."""

import pytest
from channels.db import database_sync_to_async

from council.rooms import services
from tests.helpers import connect
from tests.helpers import expect_silence
from tests.helpers import next_frame_of
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)


async def _capabilities(communicator):
    frame = await next_frame_of(communicator, "rooms.capabilities_changed", wait=1)
    return frame["payload"]["capabilities"]


async def test_floor_given_and_taken_back_resends_the_residents_capabilities(room, user_with_role):
    make = database_sync_to_async(user_with_role)
    facilitator = await make("facilitator", room.council, display_name="Fatou")
    resident = await make("resident", room.council, display_name="Rose")
    bystander = await make("resident", room.council, display_name="Bruno")
    rose, snapshot = await connect(room_path(room.pk), user=resident)
    bruno, _ = await connect(room_path(room.pk), user=bystander)
    assert snapshot["payload"]["me"]["capabilities"]["publish_media"] is False

    give = database_sync_to_async(services.floor_give)
    await give(actor=facilitator, room_id=room.pk, user_id=resident.pk)
    assert (await _capabilities(rose))["publish_media"] is True
    await next_frame_of(bruno, "rooms.floor_changed")
    await expect_silence(bruno)  # the bystander's rights did not change: nothing comes again

    await give(actor=facilitator, room_id=room.pk, user_id=resident.pk, floor=False)
    assert (await _capabilities(rose))["publish_media"] is False
    await next_frame_of(bruno, "rooms.floor_changed")
    await expect_silence(bruno)
    for communicator in (rose, bruno):
        await communicator.disconnect()
