"""Each council's accessibility statement, legal notice and personal data page."""

import pytest
from django.urls import reverse

from council.councils.models import CouncilPage

pytestmark = pytest.mark.django_db

PAGES = [
    ("council-accessibility", "/c/nord/accessibilite/"),
    ("council-legal", "/c/nord/mentions-legales/"),
    ("council-privacy", "/c/nord/donnees-personnelles/"),
]


@pytest.fixture
def nord(council_factory):
    return council_factory(slug="nord", name="Conseil de quartier Nord")


@pytest.mark.parametrize(("name", "address"), PAGES)
def test_pages_have_french_addresses(name, address, nord):
    assert reverse(name, args=["nord"]) == address


def test_accessibility_statement_has_the_rgaa_sections_by_default(client, nord):
    page = client.get("/c/nord/accessibilite/").content.decode()

    assert "<h1>Déclaration d’accessibilité</h1>" in page  # noqa: RUF001
    assert "<p><strong>Accessibilité\u00a0: partiellement conforme</strong></p>" in page
    for heading in [
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration d’accessibilité",  # noqa: RUF001
        "Environnement de test",
        "Retour d’information et contact",  # noqa: RUF001
        "Voies de recours",
    ]:
        assert f"<p>{heading}</p>" in page
    assert "Conseil de quartier Nord s’engage à rendre ses services en ligne accessibles" in page  # noqa: RUF001
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07." in page
    assert "[date]" in page  # a placeholder for the administrator


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("/c/nord/mentions-legales/", "Cet espace de participation est édité par Conseil de quartier Nord"),
        ("/c/nord/donnees-personnelles/", "vous pouvez adresser une réclamation à la CNIL"),
    ],
)
def test_legal_and_privacy_pages_have_defaults(address, expected, client, nord):
    response = client.get(address)

    assert response.status_code == 200
    assert expected in response.content.decode()


def test_every_council_page_links_the_three_pages_in_its_footer(client, nord):
    page = client.get("/c/nord/").content.decode()

    footer = page[page.index('<footer class="site-footer">') :]
    assert '<a href="/c/nord/accessibilite/">Accessibilité\u00a0: partiellement conforme</a>' in footer
    assert '<a href="/c/nord/mentions-legales/">Mentions légales</a>' in footer
    assert '<a href="/c/nord/donnees-personnelles/">Données personnelles</a>' in footer


def test_administrator_edits_the_statement_and_its_status(client, nord, user_with_role):
    client.force_login(user_with_role("administrator", nord))

    response = client.post(
        "/c/nord/accessibilite/modifier/",
        {"conformity": "full", "body": "Audit réalisé le 3 mars.\r\n\r\nTous les critères sont respectés."},
    )

    assert response.status_code == 302
    assert response["Location"] == "/c/nord/accessibilite/"
    page = client.get("/c/nord/accessibilite/").content.decode()
    assert '<div class="council-page"><p>Audit réalisé le 3 mars.</p>\n\n<p>Tous les critères sont respectés.</p></div>' in page
    assert '<a href="/c/nord/accessibilite/">Accessibilité\u00a0: totalement conforme</a>' in page


def test_a_script_in_the_body_is_shown_as_text(client, nord, user_with_role):
    client.force_login(user_with_role("administrator", nord))

    client.post("/c/nord/mentions-legales/modifier/", {"body": "Éditeur <script>alert(1)</script>"})

    page = client.get("/c/nord/mentions-legales/").content.decode()
    assert "<p>Éditeur &lt;script&gt;alert(1)&lt;/script&gt;</p>" in page
    assert "<script>alert(1)" not in page


@pytest.mark.parametrize("role", ["facilitator", "member", "resident", "outsider"])
def test_only_administrators_edit(role, client, nord, user_with_role):
    client.force_login(user_with_role(role, nord))

    form = client.get("/c/nord/mentions-legales/modifier/")
    post = client.post("/c/nord/mentions-legales/modifier/", {"body": "Piraté"})
    page = client.get("/c/nord/mentions-legales/").content.decode()

    assert (form.status_code, post.status_code) == (403, 403)
    assert not CouncilPage.objects.exists()
    assert "/c/nord/mentions-legales/modifier/" not in page  # no edit link either


def test_an_empty_text_is_refused_next_to_the_field(client, nord, user_with_role):
    client.force_login(user_with_role("administrator", nord))

    response = client.post("/c/nord/donnees-personnelles/modifier/", {"body": "   "})

    assert response.status_code == 400
    assert '<p class="field-error errorlist" role="alert" id="id_body_error">' in response.content.decode()
    assert not CouncilPage.objects.exists()


def test_edit_form_starts_from_the_default_text(client, nord, user_with_role):
    client.force_login(user_with_role("administrator", nord))

    page = client.get("/c/nord/mentions-legales/modifier/").content.decode()

    assert "Cet espace de participation est édité par Conseil de quartier Nord" in page
    assert 'name="conformity"' not in page  # the status belongs to the accessibility statement


def test_every_page_links_the_favicon(client, nord):
    from django.contrib.staticfiles import finders

    home = client.get("/").content.decode()
    council_page = client.get("/c/nord/").content.decode()

    link = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    assert link in home
    assert link in council_page
    with open(finders.find("favicon.svg"), encoding="utf-8") as icon:
        assert icon.read().startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">')
