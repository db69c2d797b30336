from django.urls import path

from council.rooms.consumers import RoomConsumer

websocket_urlpatterns = [path("ws/rooms/room/<int:room_id>/", RoomConsumer.as_asgi())]
