from django.urls import path

from council.rooms import views
from council.rooms import views_audience

urlpatterns = [
    path("manage/", views.room_manage, name="room-manage"),
    path("<int:room_id>/", views.room_detail, name="room-detail"),
    path("<int:room_id>/edit/", views.room_edit, name="room-edit"),
    path("<int:room_id>/facilitators/", views.room_facilitator_add, name="room-facilitator-add"),
    path(
        "<int:room_id>/facilitators/<int:user_id>/remove/",
        views.room_facilitator_remove,
        name="room-facilitator-remove",
    ),
    path("<int:room_id>/lock/", views.room_lock, name="room-lock"),
    path("<int:room_id>/readmit/<int:user_id>/", views.participant_readmit, name="room-readmit"),
    path("<int:room_id>/invite/", views_audience.room_invite, name="room-invite"),
    path("<int:room_id>/breakdown/", views_audience.room_breakdown, name="room-breakdown"),
]
