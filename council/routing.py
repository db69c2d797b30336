"""WebSocket routes of every app: the room socket, which every meeting module joins through the host."""

from council.budgeting.routing import websocket_urlpatterns as budget_urlpatterns
from council.consultation.petitions.routing import websocket_urlpatterns as petition_urlpatterns
from council.consultation.routing import websocket_urlpatterns as consultation_urlpatterns
from council.rooms.routing import websocket_urlpatterns as room_urlpatterns
from council.voting.ballots.routing import websocket_urlpatterns as vote_urlpatterns

websocket_urlpatterns = [*room_urlpatterns, *vote_urlpatterns, *consultation_urlpatterns, *petition_urlpatterns, *budget_urlpatterns]
