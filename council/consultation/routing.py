from django.urls import path

from council.consultation.consumers import ConsultationConsumer

websocket_urlpatterns = [
    path("ws/c/<slug:council_slug>/consultations/<int:consultation_id>/", ConsultationConsumer.as_asgi()),
]
