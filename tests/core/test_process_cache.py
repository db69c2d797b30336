"""What connects read again and again is kept per process, and dropped by what changes it (process_cache)."""

import os

import pytest
import redis
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.layers import get_channel_layer

from council.core import process_cache
from council.core.hub import Hub
from council.core.socket_auth import users_of_sessions
from council.councils.models import Role
from council.councils.selectors import ROLE
from council.councils.services import role_revoke
from council.voting.questions.selectors import QUESTIONS_VIEW
from council.voting.questions.services import qa_configure
from tests.helpers import connect
from tests.helpers import expect_close
from tests.helpers import next_frame_of
from tests.helpers import room_path
from tests.helpers import ws_communicator
from tests.voting.test_snapshot_cost import _Queries

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def kept(settings):
    """Council's Redis channel layer (with the hub) and REDIS_URL, on TEST_REDIS_URL's database emptied first."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    settings.REDIS_URL = REDIS_URL
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "council.core.channel_layer.ShieldedRedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
    }
    settings.ROOM_VIEWS_SECONDS = 60  # only events drop what is kept, within the test
    channel_layers.backends.clear()
    process_cache.drop_everything()
    yield client
    process_cache.drop_everything()
    channel_layers.backends.clear()
    client.flushdb()


@pytest.mark.django_db(transaction=True)
async def test_a_role_revoked_in_another_process_is_obeyed_by_the_next_connect(room, user_with_role, kept, monkeypatch):
    person = await database_sync_to_async(user_with_role)(Role.MEMBER, room.council)
    socket, _snapshot = await connect(room_path(room.pk), user=person)
    await socket.disconnect()
    mine = process_cache.people
    assert mine.get((ROLE, person.pk, room.council_id)) == (True, Role.MEMBER)  # kept by this process

    with monkeypatch.context() as other_process:  # its own store; only Redis links the two
        other_process.setattr(process_cache, "people", process_cache.PeopleStore())
        await database_sync_to_async(role_revoke)(actor=None, council=room.council, user=person)
    assert mine.get((ROLE, person.pk, room.council_id)) == (True, Role.MEMBER)  # not told directly

    refused = ws_communicator(room_path(room.pk), user=person)
    await refused.connect()
    assert await expect_close(refused, 4403) == []  # no snapshot on the revoked role
    assert mine.get((ROLE, person.pk, room.council_id)) == (True, None)  # read again: no role


@pytest.mark.django_db(transaction=True)
async def test_a_changed_room_setting_shows_in_the_next_snapshot(room, user_with_role, kept):
    facilitator = await database_sync_to_async(user_with_role)(Role.FACILITATOR, room.council)
    member = await database_sync_to_async(user_with_role)(Role.MEMBER, room.council)
    present, first = await connect(room_path(room.pk), user=facilitator)
    was_open = first["payload"]["questions"]["open"]
    assert process_cache.room_views.get((QUESTIONS_VIEW, room.pk))[0]  # kept while the process hears the room

    await database_sync_to_async(qa_configure)(actor=facilitator, room_id=room.pk, open=not was_open)
    await next_frame_of(present, "questions.settings_changed")
    newcomer, snapshot = await connect(room_path(room.pk), user=member)

    assert snapshot["payload"]["questions"]["open"] is (not was_open)
    for socket in (newcomer, present):
        await socket.disconnect()


@pytest.mark.django_db
def test_a_session_is_read_once_until_its_person_logs_out(
    kept, user_factory, client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    person = user_factory()
    client.force_login(person)
    key = client.session.session_key
    assert users_of_sessions([key])[0].pk == person.pk

    with django_assert_num_queries(0):
        again = users_of_sessions([key, key])
    assert [user.pk for user in again] == [person.pk, person.pk]
    assert again[0] is not again[1]  # each socket its own copy

    with django_capture_on_commit_callbacks(execute=True):
        client.logout()
    assert users_of_sessions([key])[0].is_anonymous


async def test_losing_redis_drops_everything_kept(kept, settings):
    def keep_one_of_each():
        process_cache.people.put(("role", 1, 1), Role.MEMBER, generation=process_cache.people.generation)
        process_cache.room_views.put(("room", 1), "a room", generation=process_cache.room_views.generation)

    keep_one_of_each()
    await Hub(get_channel_layer()).recover()  # the hub got Redis back after losing it
    assert process_cache.people.get(("role", 1, 1))[0] is False
    assert process_cache.room_views.get(("room", 1))[0] is False

    keep_one_of_each()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # the stream of changes cannot be read
    assert await database_sync_to_async(process_cache.people.catch_up)() is False
    assert process_cache.people.get(("role", 1, 1))[0] is False


@pytest.mark.django_db(transaction=True)
async def test_the_next_connect_reads_only_what_is_not_kept(room, user_with_role, kept, settings):
    present_person, person = await database_sync_to_async(
        lambda: [user_with_role(Role.MEMBER, room.council) for _ in range(2)]
    )()
    present, _snapshot = await connect(room_path(room.pk), user=present_person)  # the process hears the room

    settings.PROCESS_CACHE_SECONDS = 0  # nothing kept: as without Redis
    with _Queries() as unkept:
        socket, _snapshot = await connect(room_path(room.pk), user=person)
    await socket.disconnect()
    settings.PROCESS_CACHE_SECONDS = 60
    socket, _snapshot = await connect(room_path(room.pk), user=person)  # keeps what may be kept
    await socket.disconnect()
    with _Queries() as kept_reads:
        socket, snapshot = await connect(room_path(room.pk), user=person)

    assert snapshot["payload"]["me"]["role"] == "member"
    assert snapshot["payload"]["presence"]["count"] == 2  # presence is never kept
    # the person's role and the room's hands, agenda, votes, polls, questions, stages are not read again
    # 30 and 18 on 4 December 2026
    assert kept_reads.count <= unkept.count - 12, (unkept.count, kept_reads.count, kept_reads.listing())
    for each in (socket, present):
        await each.disconnect()
