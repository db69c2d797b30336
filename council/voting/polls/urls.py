from django.urls import path

from council.voting.polls import views

urlpatterns = [
    path("<str:code>/", views.poll_phone, name="poll-phone"),
    path("<str:code>/qr.svg", views.poll_qr, name="poll-qr"),
]
