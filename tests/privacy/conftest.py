"""A person who took part in everything: chat, Q&A, a consultation, a secret vote, a sitting, a budget."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from council.accounts.models import Verification
from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import Project
from council.consultation import services as consultation
from council.consultation.models import PhaseKind
from council.groups.models import ResidentProfile
from council.rooms import services as rooms
from council.rooms.models import RoomAttendance
from council.voting.assembly import services as assembly
from council.voting.ballots import services as ballots
from council.voting.ballots.services import VoteDraft
from council.voting.questions import services as questions
from tests.consultation.conftest import phases_around

PERSON_EMAIL = "rosa.personne@example.org"
PERSON_NAME = "Rosa Personne-Unique"


def take_part_everywhere(person, room, official, other):
    """Rows about `person` in the models people meet most, written through their services where they exist."""
    council = room.council
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    Verification.objects.create(
        user=person, kind="franceconnect", council=council, verified_at=timezone.now(),
        claims={"given_name": "Rosa", "family_name": "Personne-Unique"},
    )
    ResidentProfile.objects.create(council=council, user=person, latitude=48.85, longitude=2.35)
    RoomAttendance.objects.create(room=room, user=person)
    rooms.message_post(actor=person, room_id=room.pk, text="Bonjour à tous", request_id="r1")
    rooms.message_post(actor=other, room_id=room.pk, text="Bonjour Rosa", request_id="r1")
    questions.qa_configure(actor=official, room_id=room.pk, open=True, moderated=False)
    questions.question_ask(actor=person, room_id=room.pk, text="Quand les travaux commencent-ils ?")

    found = consultation.consultation_create(
        actor=official, council=council, phases=phases_around(PhaseKind.CONTRIBUTIONS), eligible_group_ids=[],
        is_published=True, title="La place", description="Vos idées", categories=[],
    )
    own = consultation.contribution_submit(actor=person, consultation_id=found.pk, title="Des arbres", body="Plantons.")
    theirs = consultation.contribution_submit(actor=other, consultation_id=found.pk, title="Des bancs", body="Asseyons-nous.")
    consultation.comment_post(actor=person, contribution_id=theirs.pk, body="Oui, des bancs à l'ombre.")
    consultation.comment_post(actor=other, contribution_id=own.pk, body="Bonne idée.")
    consultation.contribution_endorse(actor=person, contribution_id=theirs.pk)

    vote = ballots.vote_create(actor=official, council=council, draft=VoteDraft(title="Le budget", method="majority_simple"))
    ballots.vote_freeze(actor=official, vote_id=vote.pk)
    ballots.vote_open(actor=official, vote_id=vote.pk)
    ballots.ballot_cast(actor=person, vote_id=vote.pk, content={"choice": "for"})

    assembly.sitting_open(actor=official, room_id=room.pk)
    sitting = room.sittings.get(closed_at__isnull=True)
    with transaction.atomic():
        assembly.hall_sign_in(actor=official, sitting_id=sitting.pk, user_id=person.pk)
    assembly.proxy_give(
        actor=person, council=council, holder_id=other.pk, statement="Je donne pouvoir.",
        valid_until=timezone.now() + timedelta(days=2),
    )

    budget = Budget.objects.create(
        council=council, title="Budget du quartier", amount=Decimal(100_000), ballot_kind=Budget.BallotKind.KNAPSACK,
        submission_starts_at=timezone.now() - timedelta(days=20), review_starts_at=timezone.now() - timedelta(days=10),
        vote_starts_at=timezone.now() - timedelta(days=1), vote_ends_at=timezone.now() + timedelta(days=5),
    )
    Project.objects.create(budget=budget, title="Fontaine", cost=Decimal(10_000), feasibility="feasible", proposer=person)
    BudgetBallot.objects.create(budget=budget, voter=person, submitted_at=timezone.now())
    return SimpleNamespace(consultation=found, own=own, theirs=theirs, vote=vote, sitting=sitting, budget=budget)


@pytest.fixture
def everywhere(db, room_factory, user_with_role, user_factory):
    room = room_factory()
    official = user_with_role("facilitator", room.council, display_name="Fanny Facilitatrice")
    person = user_with_role("member", room.council, email=PERSON_EMAIL, display_name=PERSON_NAME)
    other = user_with_role("member", room.council, display_name="Otto Autre")
    rows = take_part_everywhere(person, room, official, other)
    return SimpleNamespace(room=room, council=room.council, official=official, person=person, other=other, **vars(rows))


@pytest.fixture
def newcomer(db, room_factory, user_with_role):
    """A person who only chatted, supported and answered: nothing about them is kept after deletion."""
    room = room_factory()
    person = user_with_role("member", room.council, email=PERSON_EMAIL, display_name=PERSON_NAME)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    RoomAttendance.objects.create(room=room, user=person)
    rooms.message_post(actor=person, room_id=room.pk, text="Bonjour à tous")
    return SimpleNamespace(room=room, council=room.council, person=person)
