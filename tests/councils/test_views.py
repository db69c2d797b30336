"""Council pages: each carries its own brand, a council's host name serves only that council."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from council.councils.models import Role
from council.councils.selectors import role_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def nord(council_factory):
    return council_factory(slug="nord", name="Conseil de quartier Nord", brand_colour="#0b6e4f")


@pytest.fixture
def sud(council_factory):
    return council_factory(slug="sud", name="Conseil de quartier Sud", brand_colour="#f4c430")


def test_each_council_page_carries_its_own_brand(client, nord, sud):
    nord_page = client.get(reverse("council-detail", args=["nord"])).content.decode()
    sud_page = client.get(reverse("council-detail", args=["sud"])).content.decode()

    assert "--brand: #0b6e4f; --on-brand: #ffffff;" in nord_page
    assert "Conseil de quartier Nord" in nord_page
    assert "#f4c430" not in nord_page
    assert "Conseil de quartier Sud" not in nord_page
    assert "--brand: #f4c430; --on-brand: #000000;" in sud_page  # yellow gets black text
    assert "#0b6e4f" not in sud_page


def test_host_name_serves_only_its_council(client, nord, sud, settings):
    settings.ALLOWED_HOSTS = ["conseil-nord.example.fr", "testserver"]
    nord.host_name = "conseil-nord.example.fr"
    nord.save(update_fields=["host_name"])

    own = client.get("/c/nord/", HTTP_HOST="conseil-nord.example.fr")
    foreign = client.get("/c/sud/", HTTP_HOST="conseil-nord.example.fr")
    front = client.get("/", HTTP_HOST="conseil-nord.example.fr")

    assert own.status_code == 200
    assert foreign.status_code == 404
    assert "Conseil de quartier Sud" not in foreign.content.decode()
    assert front.status_code == 302
    assert front["Location"] == "/c/nord/"
    assert client.get("/c/sud/").status_code == 200  # on the shared host, every council


def test_unknown_council_is_404(client, nord):
    assert client.get("/c/nowhere/").status_code == 404


def test_following_a_council_from_its_page(client, nord, user):
    client.force_login(user)

    response = client.post(reverse("council-join", args=["nord"]))

    assert response.status_code == 302
    assert role_get(user=user, council=nord) == Role.RESIDENT
    page = client.get(response["Location"]).content.decode()
    assert "Vous suivez désormais ce conseil." in page
    assert "Votre rôle\u00a0: Habitant ou habitante" in page


def test_language_switch_to_english(client, nord):
    french = client.get("/c/nord/").content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": "/c/nord/"})
    english = client.get("/c/nord/").content.decode()

    assert '<html lang="fr">' in french
    assert response.status_code == 302
    assert response["Location"] == "/c/nord/"
    assert '<html lang="en">' in english
    assert "Log in to take part." in english
    assert "Log in to take part." not in french


# Upcoming meetings on the public page (the rooms module's section of it).


def _at(text):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("UTC"))


@freeze_time("2027-01-05 10:00:00")
def test_visitors_see_the_upcoming_meetings(client, nord, room_factory):
    room_factory(council=nord, name="Séance de janvier", starts_at=_at("2027-01-09T17:30"))
    room_factory(council=nord, name="Séance de décembre", starts_at=_at("2026-12-03T18:00"))
    room_factory(council=nord, name="Salle sans date")

    page = client.get(reverse("council-detail", args=["nord"])).content.decode()

    # 17:30 UTC is 18:30 in Paris, the instance's time zone
    assert (
        "<strong>Séance de janvier</strong><br>\n"
        '          <time datetime="2027-01-09T18:30:00+01:00">samedi 9 janvier 2027 à 18:30</time><br>\n'
        "          \n"
        "            <span>Connectez-vous pour participer.</span>"
    ) in page
    assert "Séance de décembre" not in page
    assert "Salle sans date" not in page


@freeze_time("2027-01-05 10:00:00")
def test_a_meeting_of_today_stays_listed_while_it_runs(client, nord, room_factory):
    room_factory(council=nord, name="Séance du matin", starts_at=_at("2027-01-05T08:00"))

    page = client.get(reverse("council-detail", args=["nord"])).content.decode()

    assert "Séance du matin" in page


def test_a_friendly_text_when_no_meeting_is_planned(client, nord):
    page = client.get(reverse("council-detail", args=["nord"])).content.decode()

    assert "Aucune séance n’est prévue pour l’instant." in page  # noqa: RUF001


@freeze_time("2027-01-05 10:00:00")
def test_residents_are_told_whether_they_may_join(client, nord, room_factory, user_with_role):
    from council.groups.models import NeighbourhoodGroup

    open_room = room_factory(council=nord, name="Séance ouverte", starts_at=_at("2027-01-09T17:30"))
    room_factory(council=nord, name="Séance fermée", starts_at=_at("2027-01-10T17:30"), is_locked=True)
    kept = room_factory(council=nord, name="Séance des aînés", starts_at=_at("2027-01-11T17:30"))
    kept.eligible_groups.set([NeighbourhoodGroup.objects.create(council=nord, name="Aînés")])
    client.force_login(user_with_role("resident", nord))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(reverse("council-detail", args=["nord"])).content.decode()

    assert f'<a href="/c/nord/rooms/{open_room.pk}/">Join<span class="visually-hidden"> Séance ouverte</span></a>' in page
    assert "Séance fermée" in page
    assert "<span>Locked: only facilitators may come in.</span>" in page
    assert "Séance des aînés" not in page  # kept for a group she is not in: not even its name


@freeze_time("2027-01-05 10:00:00")
def test_a_meeting_kept_for_a_group_is_hidden_from_visitors(client, nord, room_factory):
    from council.groups.models import NeighbourhoodGroup

    kept = room_factory(council=nord, name="Séance des aînés", starts_at=_at("2027-01-11T17:30"))
    kept.eligible_groups.set([NeighbourhoodGroup.objects.create(council=nord, name="Aînés")])

    page = client.get(reverse("council-detail", args=["nord"])).content.decode()

    assert "Séance des aînés" not in page
    assert "Aucune séance n’est prévue pour l’instant." in page  # noqa: RUF001


def test_councils_do_not_import_rooms():
    import ast
    from pathlib import Path

    import council.councils

    imported = set()
    for path in Path(council.councils.__path__[0]).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module))
    assert sorted(found for found in imported if found[1].split(".")[:2] in (["council", "rooms"], ["council", "workshops"])) == []
