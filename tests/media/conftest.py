"""Media tests run aiortc peers against a MediaRoom on loopback only."""

import pytest

from council.rooms.media.sfu import MediaRoom
from council.rooms.media.testing import EventRouter


@pytest.fixture(autouse=True)
def loopback_ice(monkeypatch):
    """aioice never offers 127.0.0.1 as a host candidate: offer only that (no traffic off the machine)."""
    monkeypatch.setattr("aioice.ice.get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


@pytest.fixture
def router():
    return EventRouter()


@pytest.fixture
async def media_room(router):
    room = MediaRoom(1, ice_servers=[], on_event=router)
    yield room
    await router.settle()
    await room.close()
