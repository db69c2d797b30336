"""Images, sharing and embedding of consultations: what a shared link shows, the share links, the
widgets a council frames in its own site (and only there), and images stored without their GPS position."""

import html
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from council.consultation import moderation
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import validate_origins
from tests.core.test_images import GPS
from tests.core.test_images import _png_bomb
from tests.core.test_images import photo

pytestmark = pytest.mark.django_db

SITES = "https://www.ville-exemple.fr\nhttps://*.quartiers.example.org/\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _url(consultation, name="consultation-detail", *ids):
    return reverse(name, args=[consultation.council.slug, consultation.pk, *ids])


def _meta(page: str) -> dict[str, str]:
    tags = re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', page)
    return {key: html.unescape(value) for key, value in tags}


def test_a_contribution_with_a_phone_photo_is_stored_without_its_position(client, consultation, resident):
    client.force_login(resident)
    data = {"title": "Un banc", "body": "Près de la fontaine.", "category": "", "image_description": "Le coin de la fontaine"}

    response = client.post(_url(consultation), {**data, "image": photo(name="IMG_2041.JPG")})

    assert response.status_code == 302
    contribution = Contribution.objects.get(title="Un banc")
    assert contribution.image.name.startswith("consultation/contributions/IMG_2041")
    assert contribution.image.name.endswith(".jpg")
    with contribution.image.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert not image.getexif().get_ifd(GPS)
    assert dict(image.getexif()) == {}
    page = client.get(response["Location"]).content.decode()
    assert f'src="{contribution.image.url}" alt="Le coin de la fontaine"' in page


def test_a_bomb_or_a_missing_description_is_a_form_error_and_the_text_stays(client, consultation, resident):
    client.force_login(resident)
    data = {"title": "Un banc", "body": "Près de la fontaine.", "category": ""}

    bomb = client.post(_url(consultation), {**data, "image": SimpleUploadedFile("b.png", _png_bomb(9000, 9000)), "image_description": "x"})
    wordless = client.post(_url(consultation), {**data, "image": photo()})

    assert (bomb.status_code, wordless.status_code) == (400, 400)
    bomb_page, wordless_page = bomb.content.decode(), wordless.content.decode()
    assert re.search(r'role="alert" id="id_image_error">[^<]*81,0 mégapixels', bomb_page)
    assert "Près de la fontaine." in bomb_page  # nothing typed is lost
    assert "Dites en quelques mots ce que montre l\u2019image" in wordless_page
    assert not Contribution.objects.exists()


def test_shared_pages_carry_open_graph_and_twitter_tags_and_share_links(client, make_consultation, submit):
    consultation = make_consultation(
        title="La place du marché", description="Vos idées  pour\nla place.", image=photo(), image_description="La place vue du ciel",
    )
    contribution = submit(consultation, title="Des arbres & des bancs")

    page = client.get(_url(consultation)).content.decode()
    detail = client.get(_url(consultation, "contribution-detail", contribution.pk)).content.decode()

    tags = _meta(page)
    assert tags["og:title"] == tags["twitter:title"] == "La place du marché"
    assert tags["og:description"] == "Vos idées pour la place."
    assert tags["og:url"] == f"http://testserver{_url(consultation)}"
    assert tags["og:image"] == f"http://testserver{consultation.image.url}"
    assert (tags["og:image:alt"], tags["twitter:card"]) == ("La place vue du ciel", "summary_large_image")
    assert tags["og:site_name"] == consultation.council.name
    shared = _meta(detail)
    assert (shared["og:type"], shared["og:title"]) == ("article", "Des arbres & des bancs")
    assert shared["og:image"] == tags["og:image"]  # without its own image, the consultation's
    encoded = "http%3A%2F%2Ftestserver%2Fc%2F"
    assert f"https://www.facebook.com/sharer/sharer.php?u={encoded}" in detail
    assert "https://twitter.com/intent/tweet?url=" in detail
    assert "https://www.linkedin.com/sharing/share-offsite/?url=" in detail
    assert "mailto:?subject=Des%20arbres%20%26%20des%20bancs&amp;body=http%3A%2F%2Ftestserver" in detail
    assert f'id="share-url" value="http://testserver{_url(consultation, "contribution-detail", contribution.pk)}" readonly' in detail


def test_widgets_are_framed_only_by_the_sites_the_council_lists(client, make_consultation, submit, moderator):
    listed = make_consultation(embed_origins=SITES)
    unlisted = make_consultation(title="Sans site")
    contribution = submit(listed, title="Une fontaine")
    moderation.contribution_answer(actor=moderator, contribution_id=contribution.pk, answer="Elle sera réparée.")

    widget = client.get(_url(listed, "consultation-embed"))
    one = client.get(_url(listed, "contribution-embed", contribution.pk))
    closed = client.get(_url(unlisted, "consultation-embed"))
    page = client.get(_url(listed))

    framed_by = "frame-ancestors https://www.ville-exemple.fr https://*.quartiers.example.org"
    assert framed_by in widget["Content-Security-Policy"]
    assert framed_by in one["Content-Security-Policy"]
    assert "X-Frame-Options" not in widget
    assert "X-Frame-Options" not in one
    assert "Une fontaine" in widget.content.decode()
    assert "Elle sera réparée." in one.content.decode()
    assert 'target="_blank"' in widget.content.decode()
    assert "frame-ancestors 'none'" in closed["Content-Security-Policy"]
    assert closed["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"


def test_hidden_draft_and_garbled_cases_of_widgets(client, make_consultation, submit, moderator, council):
    draft = make_consultation(published=False, embed_origins=SITES)
    listed = make_consultation(embed_origins=SITES)
    hidden = submit(listed, title="Cachée")
    moderation.contribution_hide(actor=moderator, contribution_id=hidden.pk, reason="Hors sujet")
    # written around the form's check, a line that is no origin never reaches the header
    Consultation.objects.filter(pk=listed.pk).update(embed_origins="https://ok.example.fr\n'none'; script-src *\n")

    assert client.get(_url(draft, "consultation-embed")).status_code == 404
    assert client.get(_url(listed, "contribution-embed", hidden.pk)).status_code == 404
    header = client.get(_url(listed, "consultation-embed"))["Content-Security-Policy"]
    assert "frame-ancestors https://ok.example.fr;" in header + ";"
    assert "script-src *" not in header


@pytest.mark.parametrize(
    "text",
    ["http://www.ville-exemple.fr", "https://www.ville-exemple.fr/page", "www.ville-exemple.fr", "https://a b.fr", "*"],
)
def test_only_origins_may_be_listed(text):
    with pytest.raises(ValidationError, match="is not a site's address"):
        validate_origins(text)


def test_moderators_get_the_widget_code_others_do_not(client, consultation, submit, moderator, resident):
    contribution = submit(consultation)
    code = f'&lt;iframe src=&quot;http://testserver{_url(consultation, "contribution-embed", contribution.pk)}&quot;'

    client.force_login(resident)
    assert code not in client.get(_url(consultation, "contribution-detail", contribution.pk)).content.decode()
    client.force_login(moderator)
    assert code in client.get(_url(consultation, "contribution-detail", contribution.pk)).content.decode()
