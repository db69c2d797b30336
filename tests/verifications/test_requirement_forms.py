"""The requirement chooser on the council-facing forms of budgets and consultations (the admin).

Each test sets a requirement through the page, as an administrator of the council would, and
asks the rule that enforces it. Rooms: tests/rooms/test_manage_views.py; votes:
tests/voting/ballots/test_pages.py; polls: tests/voting/polls/test_requirement.py.
"""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django import forms
from django.urls import reverse
from django.utils import timezone

from council.accounts.services import verification_record
from council.budgeting.models import Budget
from council.budgeting.permissions import budget_verified
from council.consultation.models import Consultation
from council.consultation.permissions import is_participant

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


def _as_posted(form: forms.BaseForm) -> dict:
    """What a browser posts for `form` as shown (its current values)."""
    data: dict = {}
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{bound.html_name}_{index}"] = "" if part is None else part
        elif isinstance(widget, forms.FileInput):
            continue  # no new file
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [getattr(item, "pk", item) for item in value]
        elif value is not None:
            data[bound.html_name] = value
    return data


def _page_as_posted(response) -> dict:
    """The admin page's main form and inline formsets, as posted unchanged."""
    data = _as_posted(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(_as_posted(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(_as_posted(form))
    return data


def test_a_budget_requirement_set_in_the_admin_is_enforced(client, council, administrator, member):
    page = client.get(reverse("admin:budgeting_budget_add"))
    now = timezone.now()
    data = {
        **_page_as_posted(page), "council": council.pk, "title": "Budget participatif", "amount": "10000",
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
        **_page_as_posted(page), "council": council.pk, "title": "Budget", "amount": "10000",
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
        **_page_as_posted(page), "verification_requirement_0": ["code"], "verification_requirement_1": "any",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    consultation.refresh_from_db()
    assert consultation.verification_requirement == {"kinds": ["code"], "mode": "any"}
    assert not is_participant(member, consultation)
    verification_record(user=member, kind="code", council_id=council.pk, claims={})
    assert is_participant(member, consultation)
