from django.urls import path

from council.consultation.petitions.consumers import PetitionConsumer

websocket_urlpatterns = [
    path("ws/c/<slug:council_slug>/petitions/<int:petition_id>/", PetitionConsumer.as_asgi()),
]
