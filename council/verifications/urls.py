"""HTTP routes of verifications: a person's own (mounted under /accounts/) and a council's (under /c/<slug>/)."""

from django.urls import path

from council.verifications import views

person_urlpatterns = [
    path("", views.my_verifications, name="my-verifications"),
    path("<int:verification_id>/revoke/", views.verification_revoke, name="verification-revoke"),
]

council_urlpatterns = [
    path("", views.manage, name="verification-manage"),
    path("obtain/", views.obtain, name="verification-obtain"),
    path("census/", views.census_check, name="verification-census"),
    path("code/", views.code_redeem, name="verification-code"),
]
