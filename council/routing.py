"""WebSocket routes of every app."""

from council.rooms.routing import websocket_urlpatterns as rooms_urlpatterns

websocket_urlpatterns = [*rooms_urlpatterns]
