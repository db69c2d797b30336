"""Council pages: each carries its own brand, a council's host name serves only that council."""

import pytest
from django.urls import reverse

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
    assert "Votre rôle : Habitant" in page


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
