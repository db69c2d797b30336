"""HTTP routes of participatory budgets, under /c/<council_slug>/budgets/ (app_name "budgeting")."""

from django.urls import path

from council.budgeting import views
from council.budgeting import views_officials

app_name = "budgeting"

urlpatterns = [
    path("", views.budget_list, name="budget-list"),
    path("<int:budget_id>/", views.budget_detail, name="budget-detail"),
    path("<int:budget_id>/propose/", views.project_propose, name="project-propose"),
    path("<int:budget_id>/ballot/", views.ballot, name="ballot"),
    path("<int:budget_id>/review/", views_officials.review, name="review"),
    path("<int:budget_id>/review/<int:project_id>/", views_officials.project_review, name="project-review"),
    path("<int:budget_id>/paper/", views_officials.paper, name="paper"),
]
