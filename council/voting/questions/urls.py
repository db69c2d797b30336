from django.urls import path

from council.voting.questions import views

urlpatterns = [
    path("<int:room_id>/questions/screen/", views.questions_screen, name="questions-screen"),
]
