from django.urls import path

from council.youth import views

app_name = "youth"

urlpatterns = [
    path("age/", views.age, name="age"),
    path("parental-consent/", views.parental_consent, name="parental-consent"),
    path("parental-consent/confirm/<str:token>/", views.parental_consent_confirm, name="parental-consent-confirm"),
]
