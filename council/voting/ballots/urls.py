"""HTTP routes of binding votes, under /c/<council_slug>/votes/."""

from django.urls import path

from council.voting.ballots import views

urlpatterns = [
    path("", views.vote_list, name="vote-list"),
    path("new/", views.vote_create, name="vote-create"),
    path("<int:vote_id>/", views.vote_detail, name="vote-detail"),
    path("<int:vote_id>/edit/", views.vote_edit, name="vote-edit"),
    path("<int:vote_id>/stage.json", views.vote_stage, name="vote-stage"),
    path("<int:vote_id>/cast/", views.ballot_cast, name="vote-cast"),
    path("<int:vote_id>/results/", views.vote_results, name="vote-results"),
    path("<int:vote_id>/minutes/", views.vote_minutes, name="vote-minutes"),
    path("<int:vote_id>/minutes.odt", views.vote_minutes_odt, name="vote-minutes-odt"),
    path("<int:vote_id>/ballots/", views.vote_ballots, name="vote-ballots"),
    path("<int:vote_id>/ballots.json", views.vote_box_json, name="vote-box-json"),
    path("<int:vote_id>/paper/register/", views.paper_register, name="vote-paper-register"),
    path("<int:vote_id>/paper/enter/", views.paper_enter, name="vote-paper-enter"),
    path("<int:vote_id>/paper/<uuid:paper_id>/confirm/", views.paper_confirm, name="vote-paper-confirm"),
    path("<int:vote_id>/<slug:action>/", views.vote_action, name="vote-action"),
]
