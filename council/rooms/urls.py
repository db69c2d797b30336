from django.urls import path

from council.rooms import views

urlpatterns = [path("<int:room_id>/", views.room_detail, name="room-detail")]
