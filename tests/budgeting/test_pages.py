"""The budget pages as people use them: a visitor reads, a resident proposes and votes (every
refusal shown, nothing chosen lost), an official reviews and enters paper ballots (audited)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from council.budgeting.models import BallotChoice
from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import BudgetResult
from council.budgeting.models import Project
from council.budgeting.selectors import participation_count
from council.councils.models import AuditEntry
from tests.budgeting.conftest import project

pytestmark = pytest.mark.django_db


def _url(name, budget, *args):
    return reverse(f"budgeting:{name}", args=[budget.council.slug, budget.pk, *args])


def _text(response) -> str:
    return response.content.decode()


def test_a_visitor_reads_the_list_and_a_budget_with_its_projects_and_reasons(client, make_budget):
    budget = make_budget("vote", title="Budget 2027", description="Cent mille euros pour le quartier.")
    project(budget, "Bancs au square", 30_000, category="Espaces verts", latitude=48.85, longitude=2.35)
    Project.objects.create(budget=budget, title="Téléphérique", cost=Decimal(5_000_000), feasibility="rejected",
                           rejection_reason="Trop cher pour ce budget.")
    draft = make_budget("draft", title="Budget en préparation")

    listing = client.get(reverse("budgeting:budget-list", args=[budget.council.slug]))
    council_page = client.get(reverse("council-detail", args=[budget.council.slug]))
    page = client.get(_url("budget-detail", budget))

    assert "Budget 2027" in _text(listing)
    assert "Budget en préparation" not in _text(listing)
    assert "Budget 2027" in _text(council_page)
    assert "Budget en préparation" not in _text(council_page)
    assert client.get(_url("budget-detail", draft)).status_code == 404
    assert page.status_code == 200
    for shown in ("Cent mille euros", "Bancs au square", "Espaces verts", "Téléphérique", "Trop cher pour ce budget.",
                  "0 ballots submitted", 'id="budget-map"'):
        assert shown in _text(page), shown


def test_a_resident_proposes_a_project_and_it_is_audited(client, make_budget, voter):
    budget = make_budget("submission")
    client.force_login(voter)

    refused = client.post(_url("project-propose", budget), {"title": "Un composteur", "description": "Dans la cour.",
                                                            "latitude": "48.85"})
    done = client.post(_url("project-propose", budget), {"title": "Un composteur", "description": "Dans la cour.",
                                                         "latitude": "48.85", "longitude": "2.35", "cost": "1200"})

    assert refused.status_code == 400
    assert "Give both the latitude and the longitude, or neither." in _text(refused)
    assert done.status_code == 302
    proposed = Project.objects.get(budget=budget)
    assert (proposed.title, proposed.proposer, proposed.feasibility, proposed.cost) == ("Un composteur", voter, "proposed", Decimal(1200))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PROJECT_PROPOSED)
    assert (entry.actor, entry.target_id) == (voter, proposed.pk)


def test_proposals_outside_the_submission_phase_are_explained(client, make_budget, voter):
    budget = make_budget("review")
    client.force_login(voter)

    response = client.post(_url("project-propose", budget), {"title": "Trop tard", "description": "x"})

    assert "Proposals are closed." in _text(response)
    assert not Project.objects.exists()


def test_an_official_reviews_a_project_and_a_rejection_needs_its_reason(client, make_budget, official, voter):
    budget = make_budget("review")
    proposed = Project.objects.create(budget=budget, title="Un composteur", cost=0, proposer=voter)
    client.force_login(official)
    prefix = f"project-{proposed.pk}"

    page = client.get(_url("review", budget))
    without_reason = client.post(_url("project-review", budget, proposed.pk), {f"{prefix}-cost": "1500", f"{prefix}-feasibility": "rejected"})
    rejected = client.post(_url("project-review", budget, proposed.pk), {
        f"{prefix}-cost": "1500", f"{prefix}-feasibility": "rejected", f"{prefix}-rejection_reason": "Terrain privé.",
    })

    assert page.status_code == 200
    assert without_reason.status_code == 400
    assert "Give the public reason why the project is not feasible." in _text(without_reason)
    assert rejected.status_code == 302
    proposed.refresh_from_db()
    assert (proposed.cost, proposed.feasibility, proposed.rejection_reason) == (Decimal(1500), "rejected", "Terrain privé.")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PROJECT_REVIEWED)
    assert entry.actor == official
    assert entry.details["after"] == {"cost": "1500", "feasibility": "rejected"}


def test_a_resident_may_not_open_the_review_nor_the_paper_entry(client, make_budget, voter):
    budget = make_budget("vote")
    client.force_login(voter)

    assert client.get(_url("review", budget)).status_code == 404
    assert client.get(_url("paper", budget)).status_code == 404


def test_a_knapsack_ballot_over_the_budget_is_refused_and_keeps_what_was_chosen(client, budget, projects, voter):
    client.force_login(voter)

    response = client.post(_url("ballot", budget), {"project": [p.pk for p in projects], "action": "submit"})

    assert response.status_code == 400
    assert "Your projects cost 120000.00, more than the budget of 100000.00." in _text(response)
    assert _text(response).count("checked") == 3
    assert participation_count(budget.pk) == 0


def test_a_submitted_ballot_is_counted_and_shown_to_its_voter(client, budget, projects, voter):
    client.force_login(voter)

    response = client.post(_url("ballot", budget), {"project": [projects[0].pk, projects[1].pk], "action": "submit"}, follow=True)

    assert "Your ballot is submitted and counted." in _text(response)
    assert "Your submitted ballot" in _text(response)
    assert participation_count(budget.pk) == 1
    assert sorted(BallotChoice.objects.values_list("project__title", flat=True)) == ["Arbres", "Bancs"]


def test_a_draft_is_saved_for_later_and_counted_only_once_submitted(client, budget, projects, voter):
    client.force_login(voter)

    over = client.post(_url("ballot", budget), {"project": [p.pk for p in projects], "action": "draft"}, follow=True)
    assert "Your ballot is saved, not submitted" in _text(over)
    assert "Your saved ballot (not submitted yet, not counted)" in _text(over)
    assert _text(client.get(_url("ballot", budget))).count("checked") == 3
    assert participation_count(budget.pk) == 0

    client.post(_url("ballot", budget), {"project": [projects[0].pk], "action": "submit"})
    assert participation_count(budget.pk) == 1
    assert BudgetBallot.with_drafts.filter(budget=budget).count() == 1


@pytest.mark.parametrize(
    ("kind", "limits", "posted", "refusal"),
    [
        ("approval", {"max_projects": 1}, lambda ps: {"project": [ps[0].pk, ps[1].pk]}, "Choose at most 1 project."),
        ("approval", {"min_projects": 2}, lambda ps: {"project": [ps[0].pk]}, "Choose at least 2 projects."),
        ("cumulative", {"max_points": 5}, lambda ps: {f"points-{ps[0].pk}": "4", f"points-{ps[1].pk}": "3"},
         "You have 5 points to give, no more."),
        ("cumulative", {"max_points": 5}, lambda ps: {f"points-{ps[0].pk}": "deux"}, "Points must be whole numbers."),
        ("ordinal", {}, lambda ps: {f"rank-{ps[0].pk}": "1", f"rank-{ps[1].pk}": "1"},
         "Two projects have rank 1: give each its own rank."),
        ("knapsack", {"min_spent_percent": 50}, lambda ps: {"project": [ps[0].pk]}, "Choose projects worth at least 50 % of the budget."),
    ],
)
def test_each_refusal_is_shown_on_the_ballot(client, make_budget, voter, kind, limits, posted, refusal):
    budget = make_budget("vote", ballot_kind=kind, **limits)
    choices = [project(budget, "Bancs", 30_000), project(budget, "Arbres", 50_000)]
    client.force_login(voter)

    response = client.post(_url("ballot", budget), {**posted(choices), "action": "submit"})

    assert response.status_code == 400
    assert refusal in _text(response).replace("\u00a0", " ")
    assert participation_count(budget.pk) == 0


def test_a_project_of_another_budget_is_refused(client, budget, projects, make_budget, voter):
    other = project(make_budget("vote", title="Autre"), "Ailleurs", 10)
    client.force_login(voter)

    response = client.post(_url("ballot", budget), {"project": [other.pk], "action": "submit"})

    assert "This project is not part of this budget." in _text(response)


def test_cumulative_and_ranking_ballots_are_stored_as_given(client, make_budget, voter):
    points = make_budget("vote", ballot_kind="cumulative", max_points=5)
    ranking = make_budget("vote", ballot_kind="ordinal", title="Classement")
    a, b = project(points, "Bancs", 1), project(points, "Arbres", 1)
    c, d = project(ranking, "Fontaine", 1), project(ranking, "Jeux", 1)
    client.force_login(voter)

    client.post(_url("ballot", points), {f"points-{a.pk}": "2", f"points-{b.pk}": "3", "action": "submit"})
    client.post(_url("ballot", ranking), {f"rank-{c.pk}": "2", f"rank-{d.pk}": "1", "action": "submit"})

    assert dict(BallotChoice.objects.filter(ballot__budget=points).values_list("project__title", "points")) == {"Bancs": 2, "Arbres": 3}
    assert list(BallotChoice.objects.filter(ballot__budget=ranking).values_list("project__title", "rank")) == [("Jeux", 1), ("Fontaine", 2)]


def test_outside_the_vote_and_outside_its_groups_the_page_says_why(client, make_budget, voter, council):
    from council.groups.models import NeighbourhoodGroup

    closed = make_budget("results", title="Fini")
    group = NeighbourhoodGroup.objects.create(council=council, name="Quartier nord")
    north = make_budget("vote", title="Nord", groups=[group])
    client.force_login(voter)

    assert "The vote is closed." in _text(client.get(_url("ballot", closed)))
    page = _text(client.get(_url("ballot", north)))
    assert "This budget is open only to these groups: Quartier nord." in page
    assert 'id="ballot-form"' not in page


def test_an_official_enters_and_corrects_paper_ballots_with_an_audit_trail(client, budget, projects, official):
    client.force_login(official)

    entered = client.post(_url("paper", budget), {"number": "7", "project": [projects[0].pk], "action": "enter"}, follow=True)
    again = client.post(_url("paper", budget), {"number": "7", "project": [projects[1].pk], "action": "enter"})
    over = client.post(_url("paper", budget), {"number": "8", "project": [p.pk for p in projects], "action": "enter"})
    corrected = client.post(_url("paper", budget), {"number": "7", "project": [projects[2].pk], "action": "correct"}, follow=True)

    assert "Paper ballot no. 7 is entered." in _text(entered)
    assert "Paper ballot no. 7 is already entered: correct it instead." in _text(again)
    assert "more than the budget" in _text(over)
    assert "Paper ballot no. 7 is corrected." in _text(corrected)
    assert "Fatou Facilitatrice" in _text(corrected)
    paper = BudgetBallot.objects.get(budget=budget)
    assert (paper.paper_number, paper.external_voter_id, paper.entered_by) == (7, "paper-7", official)
    assert list(paper.choices.values_list("project__title", flat=True)) == ["Fontaine"]
    assert participation_count(budget.pk) == 1
    reopened = _text(client.get(_url("paper", budget), {"number": "7"}))
    assert "Correct paper ballot no. 7" in reopened
    assert f'value="{projects[2].pk}" id="project-{projects[2].pk}-choice" checked' in reopened
    assert f'value="{projects[0].pk}" id="project-{projects[0].pk}-choice" checked' not in reopened
    trail = list(AuditEntry.objects.filter(action__startswith="budgeting.paper").order_by("pk").values_list("action", "actor", "details"))
    assert trail == [
        ("budgeting.paper_entered", official.pk, {"number": 7, "projects": [projects[0].pk]}),
        ("budgeting.paper_corrected", official.pk, {"number": 7, "before": [projects[0].pk], "after": [projects[2].pk]}),
    ]


def test_the_budget_page_tells_a_visitor_how_to_vote(client, budget, projects):
    page = _text(client.get(_url("budget-detail", budget)))

    assert "Log in to take part." in page
    assert Budget.objects.count() == 1


def test_the_ballot_speaks_french_first(client, budget, projects, voter):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    client.force_login(voter)

    over = client.post(_url("ballot", budget), {"project": [p.pk for p in projects], "action": "submit"})
    done = client.post(_url("ballot", budget), {"project": [projects[0].pk], "action": "submit"}, follow=True)

    assert "Choisissez les projets que vous voulez, pour 100\u00a0000\u00a0€ au plus en tout." in _text(over)
    assert "Votre bulletin est envoyé et compté." in _text(done)
    assert "Votre bulletin envoyé" in _text(done)


def test_a_proposal_takes_a_raster_image_with_its_description_and_refuses_an_svg(client, make_budget, voter, tmp_path, settings):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    budget = make_budget("submission")
    client.force_login(voter)
    png = BytesIO()
    Image.new("RGB", (4, 3), "green").save(png, "PNG")
    fields = {"title": "Un jardin", "description": "Partagé."}

    svg = client.post(_url("project-propose", budget), {**fields, "image": SimpleUploadedFile("x.svg", b"<svg onload=alert(1)></svg>"),
                                                        "image_description": "Un dessin"})
    no_words = client.post(_url("project-propose", budget), {**fields, "image": SimpleUploadedFile("j.png", png.getvalue())})
    done = client.post(_url("project-propose", budget), {**fields, "image": SimpleUploadedFile("j.png", png.getvalue()),
                                                         "image_description": "Le jardin vu de la rue"})

    assert svg.status_code == 400
    assert "SVG" in _text(svg)
    assert "Say in a few words what the image shows" in _text(no_words)
    assert done.status_code == 302
    proposed = Project.objects.get(budget=budget)
    assert proposed.image.name.endswith(".png")
    page = _text(client.get(_url("budget-detail", budget)))
    assert 'alt="Le jardin vu de la rue"' in page


def test_an_oversized_project_image_is_refused_with_its_size_and_the_proposal_kept_unsent(client, make_budget, voter, tmp_path, settings):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    budget = make_budget("submission")
    client.force_login(voter)
    png = BytesIO()
    Image.new("RGB", (4, 3), "green").save(png, "PNG")
    oversized = png.getvalue() + b"\0" * (2 * 1024 * 1024)  # a valid PNG whose only fault is its size

    response = client.post(_url("project-propose", budget), {
        "title": "Un jardin", "description": "Partagé.", "image_description": "Le jardin vu de la rue",
        "image": SimpleUploadedFile("j.png", oversized),
    })

    assert response.status_code == 400
    assert "The file is too large (2.1 MiB); the limit is 2 MiB." in _text(response)
    assert "Un jardin" in _text(response)  # the form comes back filled in
    assert not Project.objects.filter(budget=budget).exists()


def test_the_budget_pages_lead_to_the_results_the_follow_up_and_the_import(client, make_budget, official, council, user_with_role):
    over = make_budget("results")
    import_url = reverse("budgeting:import", args=[council.slug])
    results_url, follow_up_url = _url("results", over), _url("follow-up", over)

    assert results_url not in _text(client.get(_url("budget-detail", over)))  # a visitor, results unpublished
    client.force_login(official)
    page = _text(client.get(_url("budget-detail", over)))
    assert results_url in page
    assert follow_up_url not in page  # not published yet
    assert import_url not in page  # importing is for administrators

    BudgetResult.objects.create(budget=over, status=BudgetResult.Status.DONE, published_at=timezone.now())
    client.logout()
    page = _text(client.get(_url("budget-detail", over)))
    assert results_url in page
    assert follow_up_url in page

    client.force_login(user_with_role("administrator", council))
    assert import_url in _text(client.get(reverse("budgeting:budget-list", args=[council.slug])))
    assert import_url in _text(client.get(_url("budget-detail", over)))


def test_a_budget_is_reached_only_under_its_own_council(client, make_budget, council_factory, user_with_role):
    """An official of another council, at their own council's address with this budget's number, finds nothing."""
    over = make_budget("results")
    BudgetResult.objects.create(budget=over, status=BudgetResult.Status.DONE, published_at=timezone.now())
    elsewhere = council_factory()
    client.force_login(user_with_role("administrator", elsewhere))

    def there(name, *args):
        return reverse(f"budgeting:{name}", args=[elsewhere.slug, over.pk, *args])

    for name in ("budget-detail", "results", "results-progress", "follow-up", "export", "review", "paper", "ballot"):
        assert client.get(there(name)).status_code == 404, name
    for name in ("results-compute", "results-publish", "contribution-add"):
        assert client.post(there(name)).status_code == 404, name
    assert BudgetResult.objects.get(budget=over).run == 0  # nothing computed again



def test_the_list_reads_the_persons_role_once_however_many_budgets(client, make_budget, council, voter):
    url = reverse("budgeting:budget-list", args=[council.slug])
    make_budget("vote")
    client.force_login(voter)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for phase in ("submission", "review", "results", "draft"):
        make_budget(phase)
    assert queries() == few
