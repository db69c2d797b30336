from django.urls import include
from django.urls import path

from council.councils import views

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:council_slug>/", views.council_detail, name="council-detail"),
    path("c/<slug:council_slug>/join/", views.council_join, name="council-join"),
    path("c/<slug:council_slug>/audit/", views.audit_log, name="council-audit"),
    path("c/<slug:council_slug>/rooms/", include("council.rooms.urls")),
    path("c/<slug:council_slug>/", include("council.groups.urls")),
]
