"""HTTP routes of workshops, under /c/<council_slug>/workshops/."""

from django.urls import path

from council.workshops import views

urlpatterns = [
    path("<int:session_id>/", views.session_outputs, name="workshop-outputs"),
    path("<int:session_id>/outputs.csv", views.outputs_csv, name="workshop-outputs-csv"),
    path("<int:session_id>/outputs.md", views.outputs_markdown, name="workshop-outputs-markdown"),
    path("<int:session_id>/log.csv", views.log_csv, name="workshop-log-csv"),
    path("<int:session_id>/reports/<int:workshop_id>/send/", views.report_send_view, name="workshop-report-send"),
]
