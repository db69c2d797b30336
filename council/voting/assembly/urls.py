"""HTTP routes of the meeting rules, under /c/<council_slug>/assembly/."""

from django.urls import path

from council.voting.assembly import views

urlpatterns = [
    path("rules/", views.rules_edit, name="assembly-rules"),
    path("proxies/", views.proxies, name="assembly-proxies"),
    path("proxies/<int:proxy_id>/revoke/", views.proxy_revoke, name="assembly-proxy-revoke"),
    path("sittings/<int:sitting_id>/sign-in/", views.sign_in, name="assembly-sign-in"),
    path("sittings/<int:sitting_id>/hall/", views.hall_screen, name="assembly-hall-screen"),
    path("sittings/<int:sitting_id>/hall.svg", views.hall_qr, name="assembly-hall-qr"),
    path("sittings/<int:sitting_id>/here/<str:code>/", views.hall_scan, name="assembly-hall-scan"),
]
