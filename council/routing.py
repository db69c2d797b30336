"""WebSocket routes of every app: the room socket, which every meeting module joins through the host."""

from council.rooms.routing import websocket_urlpatterns as room_urlpatterns

websocket_urlpatterns = [*room_urlpatterns]
