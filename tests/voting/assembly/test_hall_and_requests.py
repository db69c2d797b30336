"""Signing into the hall (an official, or a fresh code) and the requests for a vote mode (CGCT L2121-21)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.voting.assembly import selectors
from council.voting.assembly import services
from council.voting.assembly.hall_code import hall_code
from council.voting.assembly.models import HallPresence
from council.voting.assembly.selectors import threshold_met
from tests.voting.assembly.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the pages' text is read in English
    return client


def test_an_official_signs_people_in_and_out_on_the_sheet(meeting, sitting, client):
    person = meeting.members[0]
    client.force_login(meeting.official)
    url = reverse("assembly-sign-in", args=[meeting.council.slug, sitting.pk])

    page = client.get(url, {"q": "Membre 00"})
    assert page.status_code == 200
    assert "Sign Membre 00 in" in page.text
    assert "Membre 01" not in page.text
    client.post(url, {"user": person.pk, "action": "in", "q": "Membre 00"})

    row = HallPresence.objects.get(sitting=sitting, user=person)
    assert (row.signed_by, row.left_at) == (meeting.official, None)
    assert selectors.is_present(person, sitting)
    client.post(url, {"user": person.pk, "action": "out"})
    assert not selectors.is_present(person, sitting)


def test_a_member_cannot_sign_people_in(meeting, sitting, client):
    client.force_login(meeting.members[0])
    assert client.get(reverse("assembly-sign-in", args=[meeting.council.slug, sitting.pk])).status_code == 404
    with pytest.raises(AccessDenied):
        services.hall_sign_in(actor=meeting.members[0], sitting_id=sitting.pk, user_id=meeting.members[1].pk)


def test_scanning_a_fresh_code_signs_the_person_in(meeting, sitting, client):
    person = meeting.members[0]
    client.force_login(person)
    url = reverse("assembly-hall-scan", args=[meeting.council.slug, sitting.pk, hall_code(sitting.pk)])

    assert client.get(url).status_code == 200
    assert not selectors.is_present(person, sitting)  # looking is not signing in
    page = client.post(url)

    assert "You are signed in as present in the hall." in page.text
    assert selectors.present_people(sitting)[person.pk] == "hall"
    assert HallPresence.objects.get(user=person).signed_by is None


def test_a_stale_code_is_refused(meeting, sitting, client):
    person = meeting.members[0]
    stale = hall_code(sitting.pk, timezone.now() - timedelta(seconds=2 * settings.ASSEMBLY_HALL_CODE_SECONDS))
    previous = hall_code(sitting.pk, timezone.now() - timedelta(seconds=settings.ASSEMBLY_HALL_CODE_SECONDS))

    with pytest.raises(InvalidInput) as refused:
        services.hall_sign_in_by_code(actor=person, sitting_id=sitting.pk, code=stale)
    assert refused.value.code == "stale_code"
    client.force_login(person)
    page = client.post(reverse("assembly-hall-scan", args=[meeting.council.slug, sitting.pk, stale]))
    assert page.status_code == 400
    assert "This code has expired" in page.text
    assert not selectors.is_present(person, sitting)
    # the code of the period just before still works (someone who scanned as it turned)
    assert services.hall_sign_in_by_code(actor=person, sitting_id=sitting.pk, code=previous) is True


def test_the_qr_code_is_an_svg_for_officials(meeting, sitting, client):
    client.force_login(meeting.official)
    answer = client.get(reverse("assembly-hall-qr", args=[meeting.council.slug, sitting.pk]))
    assert answer["Content-Type"] == "image/svg+xml"
    assert answer.content.startswith(b"<?xml") or b"<svg" in answer.content[:200]


@pytest.mark.parametrize(
    ("present", "count", "numerator", "denominator", "met"),
    [
        (8, 1, 1, 4, False),
        (8, 2, 1, 4, True),  # a quarter of 8
        (10, 2, 1, 4, False),
        (10, 3, 1, 4, True),  # a quarter of 10 is 2.5: 3 needed
        (9, 2, 1, 3, False),
        (9, 3, 1, 3, True),  # a third of 9
        (10, 3, 1, 3, False),
        (10, 4, 1, 3, True),
        (0, 0, 1, 4, False),
    ],
)
def test_thresholds_at_their_exact_boundary(present, count, numerator, denominator, met):
    assert threshold_met(count=count, present=present, numerator=numerator, denominator=denominator) is met


def test_requests_count_against_those_present(meeting, sitting):
    present = meeting.in_office[:8]
    sign_in(sitting, meeting.official, present)
    services.vote_mode_request(actor=present[0], room_id=meeting.room.pk, kind="roll_call")
    services.vote_mode_request(actor=present[0], room_id=meeting.room.pk, kind="roll_call")  # once per person
    assert selectors.requests_status(sitting)["roll_call"] == {"count": 1, "needed": 2, "met": False}

    services.vote_mode_request(actor=present[1], room_id=meeting.room.pk, kind="roll_call")
    for person in present[:2]:
        services.vote_mode_request(actor=person, room_id=meeting.room.pk, kind="secret")
    status = selectors.requests_status(sitting)

    assert status["present"] == 8
    assert status["roll_call"] == {"count": 2, "needed": 2, "met": True}
    assert status["secret"] == {"count": 2, "needed": 3, "met": False}
    services.vote_mode_withdraw(actor=present[1], room_id=meeting.room.pk, kind="roll_call")
    assert selectors.requests_status(sitting)["roll_call"]["met"] is False


def test_only_members_present_ask(meeting, sitting):
    with pytest.raises(InvalidInput):
        services.vote_mode_request(actor=meeting.members[0], room_id=meeting.room.pk, kind="secret")
    sign_in(sitting, meeting.official, [meeting.resident])
    with pytest.raises(AccessDenied):
        services.vote_mode_request(actor=meeting.resident, room_id=meeting.room.pk, kind="secret")
