"""The requirement chooser on the council-facing forms of budgets and consultations (the admin).

Each test sets a requirement through the page, as an administrator of the council would, and
asks the rule that enforces it. Rooms: tests/rooms/test_manage_views.py; votes:
tests/voting/ballots/test_pages.py; polls: tests/voting/polls/test_requirement.py.
"""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from council.accounts.services import verification_record
from council.budgeting.models import Budget
from council.budgeting.permissions import budget_verified
from council.consultation.models import Consultation
from council.consultation.permissions import is_participant
from tests.helpers import admin_page_as_posted

pytestmark = pytest.mark.django_db

REQUIRED = {"kinds": ["code", "email"], "mode": "all"}


@pytest.fixture
def administrator(client, council, user_with_role):
    person = user_with_role("administrator", council)  # with the second factor administrators need
    client.force_login(person)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return person


@pytest.fixture
def member(council, user_with_role):
    return user_with_role("member", council)


def _verify(person, council) -> None:
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    verification_record(user=person, kind="code", council_id=council.pk, claims={})


def test_a_budget_requirement_set_in_the_admin_is_enforced(client, council, administrator, member):
    page = client.get(reverse("admin:budgeting_budget_add"))
    now = timezone.now()
    data = {
        **admin_page_as_posted(page), "council": council.pk, "title": "Budget participatif", "amount": "10000",
        "vote_starts_at_0": (now - timedelta(days=1)).date().isoformat(), "vote_starts_at_1": "00:00",
        "verification_requirement_0": REQUIRED["kinds"], "verification_requirement_1": "all",
    }

    response = client.post(reverse("admin:budgeting_budget_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    budget = Budget.objects.get(council=council)
    assert budget.verification_requirement == REQUIRED
    assert not budget_verified(member, budget)
    _verify(member, council)
    assert budget_verified(member, budget)


def test_a_kind_the_budget_council_does_not_offer_is_refused(client, council, administrator):
    page = client.get(reverse("admin:budgeting_budget_add"))
    data = {
        **admin_page_as_posted(page), "council": council.pk, "title": "Budget", "amount": "10000",
        "verification_requirement_0": ["census"], "verification_requirement_1": "any",
    }

    response = client.post(reverse("admin:budgeting_budget_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["verification_requirement"] == [
        "This council does not offer these verifications: Census check."
    ]
    assert not Budget.objects.exists()


def test_a_consultation_requirement_set_in_the_admin_is_enforced(client, council, administrator, member):
    consultation = Consultation.objects.create(council=council, title="Place du marché", is_published=True)
    url = reverse("admin:consultation_consultation_change", args=[consultation.pk])
    page = client.get(url)
    shown = page.content.decode()
    assert "Census check" not in shown  # the council has no census list: not offered
    assert "Code from the council" in shown
    assert is_participant(member, consultation)

    response = client.post(url, {
        **admin_page_as_posted(page), "verification_requirement_0": ["code"], "verification_requirement_1": "any",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    consultation.refresh_from_db()
    assert consultation.verification_requirement == {"kinds": ["code"], "mode": "any"}
    assert not is_participant(member, consultation)
    verification_record(user=member, kind="code", council_id=council.pk, claims={})
    assert is_participant(member, consultation)
