from django.urls import path

from council.rooms.consumers import RoomConsumer

# One socket for every room, plenary or breakout: meeting modules plug into it (council/rooms/host.py).
websocket_urlpatterns = [path("ws/rooms/room/<int:room_id>/", RoomConsumer.as_asgi())]
