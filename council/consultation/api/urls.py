"""Routes of the open API, mounted at /api/v1/ (council/urls.py)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from council.consultation.api import views

api_patterns = [
    path("consultations/", views.ConsultationList.as_view(), name="api-consultation-list"),
    path("consultations/<int:consultation_id>/", views.ConsultationDetail.as_view(), name="api-consultation-detail"),
    path("consultations/<int:consultation_id>/contributions/", views.ContributionList.as_view(), name="api-contribution-list"),
    path("contributions/<int:contribution_id>/", views.ContributionDetail.as_view(), name="api-contribution-detail"),
    path("contributions/<int:contribution_id>/comments/", views.CommentList.as_view(), name="api-comment-list"),
]

urlpatterns = [
    *api_patterns,
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", views.api_docs, name="api-docs"),
]
