"""HTTP routes of petitions, under /c/<council_slug>/petitions/."""

from django.urls import path

from council.consultation.petitions import views

urlpatterns = [
    path("", views.petition_list, name="petition-list"),
    path("new/", views.petition_new, name="petition-new"),
    path("settings/", views.petition_settings, name="petition-settings"),
    path("<int:petition_id>/", views.petition_detail, name="petition-detail"),
    path("<int:petition_id>/sign/", views.petition_sign, name="petition-sign"),
    path("<int:petition_id>/answer/", views.petition_answer, name="petition-answer"),
]
