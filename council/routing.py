"""WebSocket routes of every app.

The room socket is served by the workshops app's MeetingConsumer (a RoomConsumer that
follows its person into breakout workshops), so rooms' own route is not listed.
"""

from council.workshops.routing import websocket_urlpatterns as meeting_urlpatterns

websocket_urlpatterns = [*meeting_urlpatterns]
