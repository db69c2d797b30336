"""Included by allauth's own URLs (under /accounts/) for every provider it knows."""

from django.urls import path

from council.identity import views

urlpatterns = [
    path("franceconnect/<slug:provider_id>/login/", views.login, name="franceconnect_login"),
    path("franceconnect/<slug:provider_id>/login/callback/", views.callback, name="franceconnect_callback"),
    path(
        "franceconnect/<slug:provider_id>/logout/callback/",
        views.logout_callback,
        name="franceconnect_logout_callback",
    ),
]
