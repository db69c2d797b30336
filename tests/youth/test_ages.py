"""Budgets and consultations open to an age range: ages at the limits, and the refusals people read."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from council.budgeting import services as budgeting
from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import Project
from council.consultation import services as consultation
from council.consultation.models import Contribution
from council.consultation.models import PhaseKind
from council.core.errors import AccessDenied
from council.youth import services
from council.youth.models import BirthDate
from council.youth.models import ParentalConsent
from council.youth.selectors import age_on
from council.youth.selectors import age_refusal
from tests.consultation.conftest import phases_around


def years_ago(years: int, *, days: int = 0) -> date:
    today = timezone.localdate()
    if (today.month, today.day) == (2, 29):  # a year back may have no 29 February
        today -= timedelta(days=1)
    return today.replace(year=today.year - years) + timedelta(days=days)


def born(user, on: date, *, consent: bool = False) -> None:
    BirthDate.objects.create(user=user, born_on=on, source=BirthDate.Source.DECLARED)
    if consent:
        ParentalConsent.objects.create(
            user=user, parent_name="Paule Parent", parent_email="paule@example.org", token_hash=f"h{user.pk}",
            confirmed_at=timezone.now(),
        )


@pytest.mark.parametrize(
    ("born_on", "today", "age"),
    [
        (date(2010, 6, 15), date(2022, 6, 15), 12),  # the birthday itself
        (date(2010, 6, 15), date(2022, 6, 14), 11),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
    ],
)
def test_age_in_whole_years(born_on, today, age):
    assert age_on(born_on, today) == age


@pytest.fixture
def youth_budget(council):
    """Assen's youth budget: 12 to 27, voting now."""
    now = timezone.now()
    budget = Budget.objects.create(
        council=council, title="Budget jeunesse", amount=Decimal(10_000), ballot_kind=Budget.BallotKind.APPROVAL,
        submission_starts_at=now - timedelta(days=20), review_starts_at=now - timedelta(days=10),
        vote_starts_at=now - timedelta(days=1), vote_ends_at=now + timedelta(days=5), min_age=12, max_age=27,
    )
    Project.objects.create(budget=budget, title="Skatepark", cost=Decimal(5_000), feasibility="feasible")
    return budget


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("_case", "born_on", "allowed", "refusal"),
    [
        ("12 today", years_ago(12), True, ""),
        ("12 tomorrow", years_ago(12, days=1), False, "This is open only to people aged 12 to 27."),
        ("28 tomorrow", years_ago(28, days=1), True, ""),
        ("28 today", years_ago(28), False, "This is open only to people aged 12 to 27."),
        ("no birth date", None, False, "This is open to people aged 12 to 27: give your birth date to take part."),
    ],
)
def test_a_youth_budget_takes_ages_12_to_27(_case, born_on, allowed, refusal, youth_budget, council, user_with_role):
    person = user_with_role("resident", council)
    if born_on is not None:
        born(person, born_on, consent=True)

    assert person.has_perm("budgeting.cast_ballot", youth_budget) is allowed
    assert age_refusal(person, youth_budget) == refusal


@pytest.mark.django_db
def test_under_15_takes_part_only_once_a_parent_consented(youth_budget, council, user_with_role):
    person = user_with_role("resident", council)
    born(person, years_ago(13))
    project = youth_budget.projects.get()

    with pytest.raises(AccessDenied) as refused:
        budgeting.ballot_cast(actor=person, budget_id=youth_budget.pk, choices=[project.pk])

    assert str(refused.value.message) == "A parent must first consent to your taking part."
    assert not BudgetBallot.with_drafts.filter(voter=person).exists()


@pytest.mark.django_db
def test_a_consultation_refuses_contributions_outside_its_ages(council, user_with_role):
    moderator = user_with_role("facilitator", council)
    young, old = user_with_role("resident", council), user_with_role("resident", council)
    born(young, years_ago(16))
    born(old, years_ago(40))
    found = consultation.consultation_create(
        actor=moderator, council=council, title="Le parc", phases=phases_around(PhaseKind.CONTRIBUTIONS),
        is_published=True, min_age=15, max_age=25,
    )

    with pytest.raises(AccessDenied) as refused:
        consultation.contribution_submit(actor=old, consultation_id=found.pk, title="Des bancs", body="Pour s'asseoir.")
    consultation.contribution_submit(actor=young, consultation_id=found.pk, title="Un terrain", body="Pour jouer.")

    assert str(refused.value.message) == "This is open only to people aged 15 to 25."
    assert list(Contribution.objects.values_list("author", flat=True)) == [young.pk]


@pytest.mark.django_db
def test_franceconnect_birth_date_prevails_and_is_never_taken_older(user_factory):
    person = user_factory()
    services.birth_date_declare(actor=person, born_on=date(1990, 1, 1))

    services.birth_date_from_franceconnect(user=person, birthdate="2011-00-00")

    assert BirthDate.objects.values_list("born_on", "source").get(user=person) == (date(2011, 12, 31), "franceconnect")
