"""Verifications: census lists and checks, codes from an official, requirements (any/all),
segments by kind, revoking, and the refusals that name what is missing and link to it."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from council.accounts.models import Verification
from council.accounts.services import verification_record
from council.budgeting.models import Budget
from council.consultation.models import Consultation
from council.consultation.models import PhaseKind
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.models import AuditEntry
from council.groups.models import NeighbourhoodGroup
from council.groups.selectors import group_members
from council.verifications import services
from council.verifications.models import CensusAttempt
from council.verifications.models import CensusEntry
from council.verifications.models import VerificationCode
from council.verifications.requirements import Requirement
from council.verifications.requirements import VerificationRequired
from council.verifications.requirements import is_met
from council.verifications.requirements import parse_requirement
from council.verifications.requirements import require_verified
from council.voting.polls.models import Poll
from council.voting.polls.schemas import YesNoAnswer
from council.voting.polls.services import poll_answer

pytestmark = pytest.mark.django_db

FIELDS = ["family_name", "given_name", "birth_date", "postcode"]
CENSUS = (
    "family_name;given_name;birth_date;postcode\n"
    "Lefèvre-Durand;Élodie;12/03/1984;75018\n"
    "Martin;Paul;1990-07-01;75 018\n"
).encode()
YES = YesNoAnswer(kind="yes_no", vote="yes")
ELODIE = {"family_name": "LEFEVRE DURAND", "given_name": "elodie", "birth_date": "1984-03-12", "postcode": "75018"}


@pytest.fixture
def census(council, user_with_role):
    admin = user_with_role("administrator", council)
    return services.census_import(actor=admin, council=council, fields=FIELDS, data=CENSUS)


def test_census_is_kept_as_hashes_and_a_listed_resident_is_verified(council, census, user_with_role):
    resident = user_with_role("resident", council)

    assert census.size == 2
    assert not CensusEntry.objects.filter(digest__icontains="martin").exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CENSUS_IMPORTED, council=council).count() == 1

    with pytest.raises(InvalidInput) as refused:  # right person, wrong birth date
        services.census_check(actor=resident, council=council, values={**ELODIE, "birth_date": "1984-03-13"})
    assert refused.value.code == "not_on_census"
    # case, accents, hyphens and spaces set aside
    services.census_check(actor=resident, council=council, values=ELODIE)

    assert list(Verification.objects.filter(user=resident).values_list("kind", "council")) == [("census", council.pk)]
    assert list(CensusAttempt.objects.filter(user=resident).values_list("matched", flat=True).order_by("at", "pk")) == [
        False, True,
    ]


def test_a_wrong_line_imports_nothing_and_keeps_the_list(council, census, user_with_role):
    admin = user_with_role("administrator", council)
    bad = b"family_name,given_name,birth_date,postcode\nDupont,Jean,31/02/1970,75018\nDurand,,1980-01-01,75018\n"

    with pytest.raises(InvalidInput) as refused:
        services.census_import(actor=admin, council=council, fields=FIELDS, data=bad)

    assert refused.value.message == (
        "Nothing was imported: lines 2, 3 lack a field or have a birth date that is not one."
    )
    assert council.census.size == 2
    assert CensusEntry.objects.filter(census=census).count() == 2


def test_only_administrators_import_a_census(council, user_with_role):
    with pytest.raises(AccessDenied):
        services.census_import(actor=user_with_role("facilitator", council), council=council, fields=FIELDS, data=CENSUS)


@override_settings(CENSUS_CHECK_RATE_LIMIT="3/3600")
def test_census_tries_are_limited_per_person_and_hour(council, census, user_with_role):
    guesser, other = user_with_role("resident", council), user_with_role("resident", council)
    wrong = {**ELODIE, "given_name": "Eloise"}
    with freeze_time("2026-12-04 10:00"):
        for _ in range(3):
            with pytest.raises(InvalidInput):
                services.census_check(actor=guesser, council=council, values=wrong)
        with pytest.raises(InvalidInput) as limited:  # even the right answer, now
            services.census_check(actor=guesser, council=council, values=ELODIE)
        assert limited.value.code == "rate_limited"
        services.census_check(actor=other, council=council, values=ELODIE)  # another person is not held back
    with freeze_time("2026-12-04 11:00:01"):
        services.census_check(actor=guesser, council=council, values=ELODIE)
    assert CensusAttempt.objects.filter(user=guesser).count() == 4


def test_a_code_works_once_before_it_expires_and_only_in_its_council(council, council_factory, user_with_role):
    official = user_with_role("facilitator", council)
    first, second = user_with_role("resident", council), user_with_role("resident", council)
    code, late = services.codes_issue(actor=official, council=council, count=2, delivery="postal", days=30)
    assert VerificationCode.objects.filter(council=council, used_at=None).count() == 2
    assert not VerificationCode.objects.filter(digest__contains=code.replace("-", "")).exists()

    with pytest.raises(InvalidInput):  # another council's code page
        services.code_redeem(actor=first, council=council_factory(), code=code)
    services.code_redeem(actor=first, council=council, code=code.lower().replace("-", " "))
    with pytest.raises(InvalidInput) as used:
        services.code_redeem(actor=second, council=council, code=code)
    with freeze_time(timezone.now() + timedelta(days=31)), pytest.raises(InvalidInput) as expired:
        services.code_redeem(actor=second, council=council, code=late)

    assert used.value.message == expired.value.message == "This code is not valid: mistyped, already used or expired."
    assert list(Verification.objects.values_list("user", "kind")) == [(first.pk, "code")]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CODE_USED, actor=first).count() == 1
    with pytest.raises(AccessDenied):
        services.codes_issue(actor=first, council=council, count=1, delivery="postal")


@pytest.mark.parametrize(
    ("mode", "held", "met"),
    [("any", set(), False), ("any", {"census"}, True), ("all", {"census"}, False), ("all", {"census", "code"}, True)],
)
def test_any_or_all_of_the_kinds(council, user_with_role, mode, held, met):
    person = user_with_role("resident", council)
    for kind in held:
        verification_record(user=person, kind=kind, council_id=council.pk, claims={})

    assert is_met(person, council, parse_requirement({"kinds": ["census", "code"], "mode": mode})) is met


@pytest.mark.parametrize(
    "value",
    [{"kinds": []}, {"kinds": ["census"], "mode": "most"}, {"kinds": ["census", "census"], "mode": "any"},
     {"kinds": ["passport"], "mode": "any"}, ["census"]],
)
def test_a_malformed_requirement_is_refused(value):
    with pytest.raises(ValidationError):
        parse_requirement(value)


def test_a_census_of_one_council_counts_there_only_and_segments_target_it(council, council_factory, user_with_role):
    other = council_factory()
    checked, emailed = user_with_role("resident", council), user_with_role("resident", council)
    verification_record(user=checked, kind="census", council_id=other.pk, claims={})
    EmailAddress.objects.create(user=emailed, email=emailed.email, verified=True, primary=True)
    rule = {"field": "verification", "op": "in", "value": ["census"]}
    segment = NeighbourhoodGroup.objects.create(council=council, name="Recensés", kind="segment", rule=rule)

    assert list(group_members(segment)) == []
    verification_record(user=checked, kind="census", council_id=council.pk, claims={})
    assert list(group_members(segment)) == [checked]
    segment.rule = {"field": "verification", "op": "in", "value": ["census", "email"]}
    segment.save()
    assert sorted(group_members(segment), key=lambda u: u.pk) == [checked, emailed]


def test_a_poll_requiring_the_census_refuses_with_the_link_then_accepts(council, room, user_with_role):
    resident = user_with_role("member", council)
    poll = Poll.objects.create(
        room=room, question="Un marché le dimanche ?", kind="yes_no", status="open",
        verification_requirement={"kinds": ["census", "code"], "mode": "any"},
    )

    with pytest.raises(VerificationRequired) as refused:
        poll_answer(actor=resident, room_id=room.pk, poll_id=poll.pk, answer=YES)
    assert refused.value.message == (
        "This requires a verification: Census check or Code from the council. You can obtain it on the page linked."
    )
    assert refused.value.link == f"/c/{council.slug}/verifications/obtain/?kinds=census%2Ccode&mode=any"
    assert not resident.has_perm("polls.answer_poll", poll)

    verification_record(user=resident, kind="code", council_id=council.pk, claims={})
    assert poll_answer(actor=resident, room_id=room.pk, poll_id=poll.pk, answer=YES)["duplicate"] is False


def test_a_room_page_requiring_a_code_says_so_and_links_to_it(client, council, room_factory, user_with_role):
    room = room_factory(council=council, verification_requirement={"kinds": ["code"], "mode": "any"})
    member = user_with_role("member", council, preferred_language="en")
    client.force_login(member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("room-detail", args=[council.slug, room.pk])

    page = client.get(url).content.decode()

    assert "This requires a verification you do not hold yet: Code from the council." in page
    assert f'href="/c/{council.slug}/verifications/obtain/?kinds=code&amp;mode=any&amp;next=' in page
    verification_record(user=member, kind="code", council_id=council.pk, claims={})
    assert "This requires a verification" not in client.get(url).content.decode()


@pytest.mark.parametrize("thing", ["budget", "consultation"])
def test_a_budget_or_consultation_page_names_the_verification_and_links_to_it(client, council, user_with_role, thing):
    required = {"verification_requirement": {"kinds": ["code"], "mode": "any"}}
    if thing == "budget":
        from tests.budgeting.conftest import phase_dates

        budget = Budget.objects.create(council=council, title="Budget", amount=1000, **phase_dates("vote"), **required)
        url = reverse("budgeting:budget-detail", args=[council.slug, budget.pk])
    else:
        from tests.consultation.conftest import phases_around

        consultation = Consultation.objects.create(council=council, title="Place", is_published=True, **required)
        for kind, starts_at, ends_at in phases_around(PhaseKind.CONTRIBUTIONS):
            consultation.phases.create(kind=kind, starts_at=starts_at, ends_at=ends_at)
        url = reverse("consultation-detail", args=[council.slug, consultation.pk])
    member = user_with_role("member", council, preferred_language="en")
    client.force_login(member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get(url).content.decode()

    assert "This requires a verification you do not hold yet: Code from the council." in page
    assert f'<a href="/c/{council.slug}/verifications/obtain/?kinds=code&amp;mode=any&amp;next=' in page
    verification_record(user=member, kind="code", council_id=council.pk, claims={})
    assert "This requires a verification" not in client.get(url).content.decode()


def test_nothing_required_asks_nothing(council, user_with_role, django_assert_num_queries):
    person = user_with_role("resident", council)
    with django_assert_num_queries(0):
        assert require_verified(person, council, object()) == (Requirement(), set())


def test_a_person_sees_and_revokes_their_verifications(client, council, user_with_role):
    person, stranger = user_with_role("resident", council), user_with_role("resident", council)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    mine = verification_record(user=person, kind="census", council_id=council.pk, claims={})
    client.force_login(stranger)
    client.post(reverse("verification-revoke", args=[mine.pk]))  # not theirs
    client.force_login(person)

    page = client.get(reverse("my-verifications")).content.decode()
    assert "Adresse e-mail vérifiée" in page
    assert "Liste des habitants" in page
    assert f'action="/accounts/verifications/{mine.pk}/revoke/"' in page
    response = client.post(reverse("verification-revoke", args=[mine.pk]))

    assert response.status_code == 302
    assert not Verification.objects.filter(pk=mine.pk).exists()


def test_staff_pages_import_a_census_and_issue_codes_residents_use_them(client, council, user_with_role):
    admin, resident = user_with_role("administrator", council), user_with_role("resident", council)
    manage = reverse("verification-manage", args=[council.slug])
    client.force_login(resident)
    assert client.get(manage).status_code == 403

    client.force_login(admin)
    upload = {"action": "census", "census-fields_checked": ["family_name", "birth_date"],
              "census-census": _file(b"family_name,birth_date\nMartin,1990-07-01\n")}
    assert client.post(manage, upload).status_code == 302
    issued = client.post(manage, {"action": "codes", "codes-count": "1", "codes-delivery": "in_person",
                                  "codes-days": "10"})
    code = issued.context["issued"][0]
    assert code in issued.content.decode()

    client.force_login(resident)
    census_page = reverse("verification-census", args=[council.slug])
    wrong = client.post(census_page, {"family_name": "Martin", "birth_date": "1990-07-02"})
    assert wrong.status_code == 400
    assert 'role="alert"' in wrong.content.decode()
    right = client.post(census_page, {"family_name": "martin", "birth_date": "1990-07-01", "next": "/c/x/"})
    assert right["Location"] == "/c/x/"
    client.post(reverse("verification-code", args=[council.slug]), {"code": code})
    assert set(Verification.objects.filter(user=resident).values_list("kind", flat=True)) == {"census", "code"}


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("census.csv", content, content_type="text/csv")


@pytest.mark.django_db(transaction=True)
async def test_a_socket_refusal_names_the_verification_and_links_to_it(room, user_with_role):
    from channels.db import database_sync_to_async

    from tests.helpers import answer_to
    from tests.helpers import command
    from tests.helpers import connect
    from tests.helpers import room_path

    person = await database_sync_to_async(user_with_role)("resident", room.council, preferred_language="fr")
    poll = await Poll.objects.acreate(
        room=room, question="Un marché le dimanche ?", kind="yes_no", status="open",
        verification_requirement={"kinds": ["census", "franceconnect"], "mode": "all"},
    )
    socket, _ = await connect(room_path(room.pk), user=person)

    await socket.send_json_to(command("polls.answer", "a1", poll_id=poll.pk, answer={"kind": "yes_no", "vote": "yes"}))
    refused = await answer_to(socket, "a1")

    assert refused["payload"] == {
        "code": "verification_required",
        "message": "Ceci demande une vérification\u00a0: Liste des habitants et FranceConnect. "
                   "Vous pouvez l\u2019obtenir sur la page en lien.",
        "link": f"/c/{room.council.slug}/verifications/obtain/?kinds=census%2Cfranceconnect&mode=all",
    }
    await socket.disconnect()
