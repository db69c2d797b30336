"""The bare baseline: a Channels consumer that relays every frame to one group, nothing more.

No authentication, no database, no envelope: the cost per delivered message of this
consumer is the floor that Channels, Daphne and channels-redis put under any app.
bench/ws_fanout.py runs it under the same load as Council's room consumer.
"""

from channels.generic.websocket import AsyncWebsocketConsumer

GROUP = "bench"


class BroadcastConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.channel_layer.group_send(GROUP, {"type": "broadcast", "text": text_data})

    async def broadcast(self, message: dict) -> None:
        await self.send(text_data=message["text"])
