"""HTTP routes of questionnaires, under /c/<council_slug>/consultations/ (beside the consultation's)."""

from django.urls import path

from council.consultation.questionnaires import views

urlpatterns = [
    path("<int:consultation_id>/questionnaire/", views.questionnaire_detail, name="questionnaire-detail"),
    path("<int:consultation_id>/questionnaire/results/", views.questionnaire_results, name="questionnaire-results"),
]
