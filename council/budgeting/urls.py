"""HTTP routes of participatory budgets, under /c/<council_slug>/budgets/."""

from django.urls import path

from council.budgeting import followup_views
from council.budgeting import import_views
from council.budgeting import results_views

app_name = "budgeting"

urlpatterns = [
    path("import/", import_views.budget_import, name="import"),
    path("<int:budget_id>/export.pb", import_views.budget_export, name="export"),
    path("<int:budget_id>/results/", results_views.results_detail, name="results"),
    path("<int:budget_id>/results/compute/", results_views.results_compute, name="results-compute"),
    path("<int:budget_id>/results/progress/", results_views.results_progress, name="results-progress"),
    path("<int:budget_id>/results/publish/", results_views.results_publish, name="results-publish"),
    path("<int:budget_id>/follow-up/", followup_views.follow_up, name="follow-up"),
    path("<int:budget_id>/follow-up/<int:project_id>/", followup_views.follow_up_edit, name="follow-up-edit"),
]
