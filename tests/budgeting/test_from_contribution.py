"""An official turns a consultation contribution of the council into a project proposal:
copied, linked, audited; every refusal said (another council, hidden or withdrawn, twice,
wrong phase, no permission)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from council.budgeting import services
from council.budgeting.models import Project
from council.consultation.models import Category
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.models import AuditEntry

pytestmark = pytest.mark.django_db


def _contribution(council, author, *, title="Plus d'arbres", **fields) -> Contribution:
    consultation = Consultation.objects.filter(council=council).first() or Consultation.objects.create(
        council=council, title="La place du marché", is_published=True
    )
    category, _created = Category.objects.get_or_create(consultation=consultation, name="Espaces verts")
    values = {"body": "Planter des arbres le long de la rue.", "category": category, "latitude": 48.85, "longitude": 2.35}
    return Contribution.objects.create(consultation=consultation, author=author, title=title, **(values | fields))


def _url(name, budget):
    return reverse(f"budgeting:{name}", args=[budget.council.slug, budget.pk])


def test_a_contribution_becomes_a_linked_project_proposal_and_is_audited(make_budget, council, official, voter):
    budget = make_budget("review")
    contribution = _contribution(council, voter)

    project = services.project_from_contribution(actor=official, budget_id=budget.pk, contribution_id=contribution.pk)

    assert (project.title, project.description, project.category) == ("Plus d'arbres", "Planter des arbres le long de la rue.", "Espaces verts")
    assert (project.latitude, project.longitude, project.cost) == (48.85, 2.35, Decimal(0))
    assert (project.proposer, project.source_contribution, project.feasibility) == (voter, contribution, "proposed")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PROJECT_PROPOSED, target_id=project.pk)
    assert (entry.actor, entry.details["contribution"]) == (official, contribution.pk)


@pytest.mark.parametrize("phase", ["draft", "vote", "results"])
def test_outside_submission_and_review_it_is_refused(make_budget, council, official, voter, phase):
    budget = make_budget(phase)
    contribution = _contribution(council, voter)

    with pytest.raises((InvalidInput, AccessDenied)):
        services.project_from_contribution(actor=official, budget_id=budget.pk, contribution_id=contribution.pk)

    assert not Project.objects.filter(budget=budget).exists()


def test_hidden_withdrawn_twice_and_another_councils_are_refused_with_their_reason(
    make_budget, council, council_factory, official, voter, user_with_role
):
    budget = make_budget("submission")
    hidden = _contribution(council, voter, title="Cachée", hidden=True)
    withdrawn = _contribution(council, voter, title="Retirée", withdrawn_at=timezone.now())
    elsewhere = council_factory()
    foreign = _contribution(elsewhere, user_with_role("resident", elsewhere), title="Ailleurs")
    added = _contribution(council, voter, title="Déjà là")
    services.project_from_contribution(actor=official, budget_id=budget.pk, contribution_id=added.pk)

    def refusal(contribution):
        with pytest.raises(InvalidInput) as raised:
            services.project_from_contribution(actor=official, budget_id=budget.pk, contribution_id=contribution.pk)
        return str(raised.value.message)

    assert refusal(hidden) == "A hidden, withdrawn or merged contribution cannot become a project."
    assert refusal(withdrawn) == "A hidden, withdrawn or merged contribution cannot become a project."
    assert refusal(foreign) == "This contribution is not one of this council's consultations."
    assert refusal(added) == "This contribution is already a project of this budget."
    assert list(budget.projects.values_list("title", flat=True)) == ["Déjà là"]


def test_a_resident_may_not_add_a_contribution(make_budget, council, voter):
    budget = make_budget("review")
    contribution = _contribution(council, voter)

    with pytest.raises(AccessDenied):
        services.project_from_contribution(actor=voter, budget_id=budget.pk, contribution_id=contribution.pk)


def test_the_review_page_offers_only_what_may_be_added_and_the_budget_page_links_the_source(
    client, make_budget, council, council_factory, official, voter, user_with_role
):
    budget = make_budget("review")
    offered = _contribution(council, voter, title="Un composteur")
    _contribution(council, voter, title="Cachée", hidden=True)
    elsewhere = council_factory()
    foreign = _contribution(elsewhere, user_with_role("resident", elsewhere), title="Ailleurs")
    client.force_login(official)

    page = client.get(_url("review", budget)).content.decode()
    refused = client.post(_url("contribution-add", budget), {"contribution": foreign.pk})
    done = client.post(_url("contribution-add", budget), {"contribution": offered.pk})
    after = client.get(_url("review", budget)).content.decode()
    public = client.get(_url("budget-detail", budget)).content.decode()

    assert "Add a consultation contribution as a project" in page
    assert "Un composteur" in page
    assert "Cachée" not in page
    assert "Ailleurs" not in page
    assert refused.status_code == 400
    assert "This contribution is not one of this council&#x27;s consultations." in refused.content.decode()
    assert done.status_code == 302
    assert f'<option value="{offered.pk}">' not in after
    link = reverse("contribution-detail", args=[council.slug, offered.consultation_id, offered.pk])
    assert f'href="{link}"' in public
    assert "From the consultation “La place du marché”" in public


def test_a_resident_cannot_post_the_form(client, make_budget, council, voter):
    budget = make_budget("review")
    contribution = _contribution(council, voter)
    client.force_login(voter)

    response = client.post(_url("contribution-add", budget), {"contribution": contribution.pk})

    assert response.status_code in (403, 404)
    assert not Project.objects.filter(budget=budget).exists()
