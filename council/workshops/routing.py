from django.urls import path

from council.workshops.consumers import MeetingConsumer

# The room socket of every meeting: a plain RoomConsumer that also follows workshops.
websocket_urlpatterns = [path("ws/rooms/room/<int:room_id>/", MeetingConsumer.as_asgi())]
