"""Petitions: open, sign (with the council's verification), the threshold puts one on a meeting's
agenda, the official answer reaches its signers; the count live on a second page; the rules as
the "Petitions" tables of docs/permissions.md say."""

import re
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import AsyncClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rules.permissions import permissions as registered_permissions

from council.consultation.petitions import live
from council.consultation.petitions import services
from council.consultation.petitions.models import Petition
from council.consultation.petitions.models import Signature
from council.core import coalesce
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.groups.models import Notification
from council.rooms import agenda_links
from council.verifications.requirements import VerificationRequired
from council.workshops.models import AgendaItem
from tests.factories import RoomFactory
from tests.factories import UserFactory
from tests.helpers import expect_silence
from tests.helpers import next_frame
from tests.helpers import next_frame_of
from tests.helpers import ws_communicator
from tests.rooms.test_permissions import DOC
from tests.rooms.test_permissions import parse_matrix

MARKER = re.compile(r"<!-- petitions matrix: (?P<state>[a-z ]+) -->")
MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"), MARKER)


EMAIL = {"kinds": ["email"], "mode": "any"}


def _settle(council, moderator, *, threshold=2, room=None, requirement=None):
    return services.petition_settings_save(
        actor=moderator, council=council, threshold=threshold, meeting_room_id=room.pk if room else None,
        verification_requirement=requirement or {},
    )


@pytest.fixture
def petition(council, moderator, resident):
    _settle(council, moderator, threshold=2, room=RoomFactory(council=council, name="Conseil de quartier"))
    return services.petition_open(actor=resident, council=council, title="Un passage piéton", body="Devant l'école.")


@pytest.mark.django_db
def test_the_signature_that_reaches_the_threshold_puts_the_petition_on_the_agenda(petition, council, user_with_role):
    first, second, third = (user_with_role("resident", council) for _ in range(3))

    services.petition_sign(actor=first, petition_id=petition.pk)
    again = services.petition_sign(actor=first, petition_id=petition.pk)  # a second time changes nothing
    reached = services.petition_sign(actor=second, petition_id=petition.pk)
    petition.refresh_from_db()

    assert (again["signatures"], reached["signatures"]) == (1, 2)
    assert petition.status == Petition.Status.AWAITING_ANSWER
    item = AgendaItem.objects.get(pk=petition.agenda_item_id)
    assert (item.room_id, item.title) == (petition.agenda_room_id, "Petition: Un passage piéton")
    attached = agenda_links.attached(item.room_id)[item.pk]
    assert [(a.kind, a.id, a.status) for a in attached] == [("petition", petition.pk, "awaiting")]
    with pytest.raises(AccessDenied):  # signatures are final once the threshold is reached
        services.petition_sign(actor=third, petition_id=petition.pk)
    with pytest.raises(InvalidInput):
        services.petition_unsign(actor=first, petition_id=petition.pk)
    assert AgendaItem.objects.filter(room_id=item.room_id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_official_answer_notifies_the_signers_in_the_app(petition, council, moderator, user_with_role):
    signers = [user_with_role("resident", council) for _ in range(2)]
    bystander = user_with_role("resident", council)
    with pytest.raises(AccessDenied):  # not before the threshold
        services.petition_answer(actor=moderator, petition_id=petition.pk, answer="Trop tôt.")
    for person in signers:
        services.petition_sign(actor=person, petition_id=petition.pk)

    services.petition_answer(actor=moderator, petition_id=petition.pk, answer="Le passage sera tracé en mars.")
    petition.refresh_from_db()

    notified = Notification.objects.filter(send__subject__contains="Un passage piéton")
    assert sorted(notified.values_list("user_id", flat=True)) == sorted(p.pk for p in signers)
    assert bystander.pk not in set(notified.values_list("user_id", flat=True))
    assert "Le passage sera tracé en mars." in notified.first().send.body
    assert (petition.status, petition.answered_by) == (Petition.Status.ANSWERED, moderator)


@pytest.mark.django_db
def test_a_petition_asking_for_a_verified_address_refuses_the_others(council, moderator, resident, user_with_role):
    _settle(council, moderator, threshold=5, requirement=EMAIL)
    petition = services.petition_open(actor=resident, council=council, title="Des bancs", body="Au square.", request_id="r1")
    again = services.petition_open(actor=resident, council=council, title="Des bancs", body="Au square.", request_id="r1")
    verified = user_with_role("resident", council)
    EmailAddress.objects.create(user=verified, email=verified.email, verified=True, primary=True)

    with pytest.raises(VerificationRequired) as refused:
        services.petition_sign(actor=resident, petition_id=petition.pk)
    services.petition_sign(actor=verified, petition_id=petition.pk)

    assert again.pk == petition.pk  # a double submit opens one petition
    assert petition.verification_requirement == EMAIL  # kept from the settings it was opened with
    assert "E-mail address verified" in refused.value.message
    page = reverse("petition-detail", args=[council.slug, petition.pk])
    assert refused.value.link == f"{reverse('verification-obtain', args=[council.slug])}?{urlencode({'kinds': 'email', 'mode': 'any', 'next': page})}"
    assert list(Signature.objects.values_list("user_id", flat=True)) == [verified.pk]
    with pytest.raises(InvalidInput):
        services.petition_open(actor=resident, council=council, title=" ", body="Rien")


@pytest.fixture
def people(council, moderator, user_with_role):
    verified = user_with_role("resident", council)
    EmailAddress.objects.create(user=verified, email=verified.email, verified=True, primary=True)
    return {
        "administrator": user_with_role("administrator", council),
        "facilitator": moderator,
        "member": user_with_role("member", council),
        "resident": user_with_role("resident", council),
        "verified resident": verified,
        "outsider": UserFactory(),
        "visitor": AnonymousUser(),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "role", "perm", "on", "allowed"), MATRIX, ids=[f"{s}-{r}-{p}" for s, r, p, _o, _a in MATRIX])
def test_matrix_cell(state, role, perm, on, allowed, people, council, moderator, resident):
    _settle(council, moderator, threshold=1, requirement=EMAIL if state == "verified" else None)
    petition = services.petition_open(actor=resident, council=council, title="Pétition", body="Texte")
    if state == "reached":
        petition.status = Petition.Status.AWAITING_ANSWER

    assert people[role].has_perm(perm, {"council": council, "petition": petition}[on]) is allowed


def test_every_petitions_permission_is_in_the_tables():
    registered = {name for name in registered_permissions if name.startswith("petitions.")}

    assert {perm for state, _r, perm, _o, _a in MATRIX if state == "open"} == registered


@pytest.mark.django_db(transaction=True)
async def test_a_burst_of_signatures_reaches_a_second_page_as_one_count_then_the_threshold(
    council, moderator, resident, user_with_role, settings
):
    settings.PETITIONS_SIGNATURES_COALESCE_SECONDS = 0.5  # the burst fits in one interval on a loaded machine
    await sync_to_async(_settle)(council, moderator, threshold=3)
    petition = await sync_to_async(services.petition_open)(actor=resident, council=council, title="Un abri", body="Pour vélos.")
    signers = [await sync_to_async(user_with_role)("resident", council) for _ in range(3)]
    watcher = ws_communicator(f"/ws/c/{council.slug}/petitions/{petition.pk}/", user=AnonymousUser())
    assert (await watcher.connect())[0]
    synced = await next_frame(watcher)

    for person in signers[:2]:
        await sync_to_async(services.petition_sign)(actor=person, petition_id=petition.pk)
        await live.signatures_changed_soon(petition.pk)
    counted = await next_frame_of(watcher, "petitions.signatures_changed")
    await coalesce.flush()
    await expect_silence(watcher)
    client = AsyncClient()
    await sync_to_async(client.force_login)(signers[2])
    response = await client.post(reverse("petition-sign", args=[council.slug, petition.pk]), {"sign": "1"})
    reached = await next_frame_of(watcher, "petitions.petition_changed")
    last = await next_frame_of(watcher, "petitions.signatures_changed")

    assert (synced["type"], synced["payload"]["signatures"], synced["payload"]["status"]) == ("petitions.petition_synced", 0, "open")
    assert counted["payload"] == {"petition_id": petition.pk, "signatures": 2}
    assert response.status_code == 302
    assert (reached["payload"]["status"], reached["payload"]["signatures"]) == ("awaiting", 3)
    assert last["payload"]["signatures"] == 3
    await watcher.disconnect()


@pytest.mark.django_db
def test_the_pages_open_sign_and_answer(client, council, moderator, resident, user_with_role):
    slug = council.slug
    client.force_login(moderator)
    room = RoomFactory(council=council, name="Plénière")
    saved = client.post(reverse("petition-settings", args=[slug]), {"threshold": "1", "meeting_room": str(room.pk)})
    client.force_login(resident)
    opened = client.post(reverse("petition-new", args=[slug]), {"title": "Un marché", "body": "Le samedi.", "request_id": "x"})
    petition = Petition.objects.get()
    client.post(reverse("petition-sign", args=[slug, petition.pk]), {"sign": "1"})
    client.force_login(moderator)
    client.post(reverse("petition-answer", args=[slug, petition.pk]), {"answer": "Accordé."})
    page = client.get(reverse("petition-detail", args=[slug, petition.pk]))
    listed = client.get(reverse("petition-list", args=[slug]))

    assert (saved.status_code, opened.status_code) == (302, 302)
    assert "Accordé." in page.content.decode()
    assert "Un marché" in listed.content.decode()
    petition.refresh_from_db()
    assert (petition.status, petition.agenda_room_id) == (Petition.Status.ANSWERED, room.pk)


@pytest.mark.django_db
def test_a_resident_without_the_verification_is_told_which_and_where_to_obtain_it(client, council, moderator, resident):
    _settle(council, moderator, requirement=EMAIL)
    petition = services.petition_open(actor=resident, council=council, title="Des bancs", body="Au square.")
    client.force_login(resident)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = reverse("petition-detail", args=[council.slug, petition.pk])

    refused = client.post(reverse("petition-sign", args=[council.slug, petition.pk]), {"sign": "1"}, follow=True)
    listed = client.get(reverse("petition-list", args=[council.slug])).content.decode()

    text = refused.content.decode()
    obtain = f"{reverse('verification-obtain', args=[council.slug])}?kinds=email&amp;mode=any&amp;next="
    assert "This requires a verification you do not hold yet: E-mail address verified." in text
    assert f'href="{obtain}{page.replace("/", "%2F")}">Obtain this verification</a>' in text
    assert 'id="petition-sign"' not in text
    assert f'href="{obtain}' in listed
    assert "Sign the petition" not in listed
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_the_list_reads_the_signers_verifications_once_however_many_petitions(client, council, moderator, resident):
    """The role and the verifications are read once per page, not once per petition (no N+1)."""
    _settle(council, moderator, requirement={"kinds": ["email", "code"], "mode": "any"})
    EmailAddress.objects.create(user=resident, email=resident.email, verified=True, primary=True)
    client.force_login(resident)
    url = reverse("petition-list", args=[council.slug])

    def queries_with(count):
        while Petition.objects.count() < count:
            services.petition_open(actor=moderator, council=council, title=f"Pétition {Petition.objects.count()}", body="Texte")
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert page.count("Signer la pétition") + page.count("Sign the petition") == count
        return len(queries)

    assert queries_with(2) == queries_with(7)


@pytest.mark.django_db
def test_the_settings_page_sets_the_verifications_asked_of_signers(client, council, moderator):
    client.force_login(moderator)
    url = reverse("petition-settings", args=[council.slug])

    saved = client.post(url, {"threshold": "3", "required_verifications": ["email", "code"], "verification_mode": "all"})
    shown = client.get(url).content.decode()
    wrong = client.post(url, {"threshold": "3", "required_verifications": ["astrology"], "verification_mode": "any"})

    assert saved.status_code == 302
    assert services.selectors.settings_for(council).verification_requirement == {"kinds": ["email", "code"], "mode": "all"}
    ticked = re.findall(r'<input type="(?:checkbox|radio)" name="(\w+)" value="(\w+)"[^>]* checked>', shown)
    assert ticked == [("required_verifications", "email"), ("required_verifications", "code"), ("verification_mode", "all")]
    assert wrong.status_code == 400
    assert services.selectors.settings_for(council).verification_requirement["kinds"] == ["email", "code"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_the_email_level_into_the_email_kind(council, resident):
    executor = MigrationExecutor(connection)
    executor.migrate([("petitions", "0001_initial")])
    old = executor.loader.project_state([("petitions", "0001_initial")]).apps
    old_petition = old.get_model("petitions", "Petition")
    old_settings = old.get_model("petitions", "PetitionSettings")
    old_settings.objects.create(council_id=council.pk, threshold=10, min_identity_level=10)
    email, anyone = (
        old_petition.objects.create(council_id=council.pk, author_id=resident.pk, title=title, body="Texte", threshold=10, min_identity_level=level)
        for title, level in (("Avec e-mail", 10), ("Sans", 0))
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Petition.objects.get(pk=email.pk).verification_requirement == EMAIL
    assert Petition.objects.get(pk=anyone.pk).verification_requirement == {}
    assert services.selectors.settings_for(council).verification_requirement == EMAIL
