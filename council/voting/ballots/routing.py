from django.urls import path

from council.voting.ballots.consumers import VoteConsumer

websocket_urlpatterns = [path("ws/c/<slug:council_slug>/votes/<int:vote_id>/", VoteConsumer.as_asgi())]
