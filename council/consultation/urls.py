"""HTTP routes of consultations, under /c/<council_slug>/consultations/."""

from django.urls import path

from council.consultation import views
from council.consultation.exports import views as exports
from council.consultation.statistics import views as statistics

contribution = "<int:consultation_id>/contributions/<int:contribution_id>/"

urlpatterns = [
    path("", views.consultation_list, name="consultation-list"),
    path("<int:consultation_id>/", views.consultation_detail, name="consultation-detail"),
    path("<int:consultation_id>/map/", views.consultation_map, name="consultation-map"),
    path("<int:consultation_id>/map/markers/", views.consultation_map_markers, name="consultation-map-markers"),
    # the widgets a council shows in its own site (the only pages that may be framed)
    path("<int:consultation_id>/embed/", views.consultation_embed, name="consultation-embed"),
    path(contribution, views.contribution_detail, name="contribution-detail"),
    path(f"{contribution}embed/", views.contribution_embed, name="contribution-embed"),
    path(f"{contribution}edit/", views.contribution_edit, name="contribution-edit"),
    path(f"{contribution}withdraw/", views.contribution_withdraw, name="contribution-withdraw"),
    path(f"{contribution}endorse/", views.contribution_endorse, name="contribution-endorse"),
    path(f"{contribution}comment/", views.comment_post, name="comment-post"),
    path(f"{contribution}report/", views.content_report, name="content-report"),
    path(f"{contribution}follow/", views.contribution_follow, name="contribution-follow"),
    path(f"{contribution}moderate/<slug:action>/", views.contribution_moderate, name="contribution-moderate"),
    path("<int:consultation_id>/comments/<int:comment_id>/hide/", views.comment_hide, name="comment-hide"),
    path("<int:consultation_id>/statistics/", statistics.consultation_statistics, name="consultation-statistics"),
    path("<int:consultation_id>/exports/", exports.export_list, name="consultation-exports"),
    path("<int:consultation_id>/exports/<int:export_id>/", exports.export_detail, name="consultation-export-detail"),
    path("<int:consultation_id>/exports/<int:export_id>/progress/", exports.export_progress, name="consultation-export-progress"),
    path("<int:consultation_id>/exports/<int:export_id>/download/", exports.export_download, name="consultation-export-download"),
]
