"""HTTP routes of participatory budgets, under /c/<council_slug>/budgets/ (app_name "budgeting")."""

from django.urls import path

from council.budgeting import followup_views
from council.budgeting import import_views
from council.budgeting import results_views
from council.budgeting import views
from council.budgeting import views_officials

app_name = "budgeting"

urlpatterns = [
    path("", views.budget_list, name="budget-list"),
    path("<int:budget_id>/", views.budget_detail, name="budget-detail"),
    path("<int:budget_id>/propose/", views.project_propose, name="project-propose"),
    path("<int:budget_id>/ballot/", views.ballot, name="ballot"),
    path("<int:budget_id>/review/", views_officials.review, name="review"),
    path("<int:budget_id>/review/contribution/", views_officials.contribution_add, name="contribution-add"),
    path("<int:budget_id>/review/<int:project_id>/", views_officials.project_review, name="project-review"),
    path("<int:budget_id>/paper/", views_officials.paper, name="paper"),
    path("import/", import_views.budget_import, name="import"),
    path("<int:budget_id>/export.pb", import_views.budget_export, name="export"),
    path("<int:budget_id>/results/", results_views.results_detail, name="results"),
    path("<int:budget_id>/results/compute/", results_views.results_compute, name="results-compute"),
    path("<int:budget_id>/results/progress/", results_views.results_progress, name="results-progress"),
    path("<int:budget_id>/results/publish/", results_views.results_publish, name="results-publish"),
    path("<int:budget_id>/follow-up/", followup_views.follow_up, name="follow-up"),
    path("<int:budget_id>/follow-up/<int:project_id>/", followup_views.follow_up_edit, name="follow-up-edit"),
]
