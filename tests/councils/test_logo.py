"""A council's logo is a raster image (PNG, JPEG or WebP) checked by its content, never SVG."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def image_bytes(format_: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 2), "#0b6e4f").save(buffer, format=format_)
    return buffer.getvalue()


@pytest.fixture
def nord(council_factory, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return council_factory(slug="nord", name="Conseil de quartier Nord")


@pytest.fixture
def administrator(nord, user_with_role, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    person = user_with_role("administrator", nord)
    person.refresh_from_db()  # is_staff was set by role_grant
    return person


def upload_logo(client, council, name: str, content: bytes, content_type: str):
    return client.post(
        reverse("admin:councils_council_change", args=[council.pk]),
        {  # no slug nor host name: those are the superuser's (a council administrator posting them is refused)
            "name": council.name,
            "description": "",
            "brand_colour": council.brand_colour,
            "open_registration": "on",
            "contributions_on_account_deletion": "anonymise",
            "logo": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )


def logo_errors(response) -> list[str]:
    return list(response.context["adminform"].form.errors.get("logo", []))


@pytest.mark.parametrize(
    ("name", "format_"), [("nord.png", "PNG"), ("nord.jpg", "JPEG"), ("nord.webp", "WEBP")]
)
def test_raster_logo_is_accepted(client, administrator, nord, name, format_):
    client.force_login(administrator)
    content = image_bytes(format_)

    response = upload_logo(client, nord, name, content, "image/*")

    assert response.status_code == 302
    nord.refresh_from_db()
    assert nord.logo.name == f"councils/logos/{name}"
    assert nord.logo.read() == content


SVG_REFUSED = (
    "SVG logos are refused: an SVG file can carry a script. Upload a PNG, JPEG or WebP image."
)
NOT_AN_IMAGE = "This file is not a PNG, JPEG or WebP image."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', SVG_REFUSED),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', SVG_REFUSED),
        ("logo.png", b"<html><script>alert(1)</script></html>", NOT_AN_IMAGE),
        ("logo.png", image_bytes("PNG")[:40], NOT_AN_IMAGE),
        ("logo.png", image_bytes("GIF"), NOT_AN_IMAGE),
        ("logo.html", image_bytes("PNG"), "The name of a PNG image must end in .png."),
        ("logo.jpg", image_bytes("PNG"), "The name of a PNG image must end in .png."),
    ],
    ids=["svg", "svg named png", "html named png", "truncated png", "gif", "png named html", "png named jpg"],
)
def test_anything_else_is_refused_and_the_old_logo_kept(client, administrator, nord, name, content, message):
    client.force_login(administrator)
    upload_logo(client, nord, "old.png", image_bytes("PNG"), "image/png")

    response = upload_logo(client, nord, name, content, "image/png")

    assert response.status_code == 200
    assert logo_errors(response) == [message]
    nord.refresh_from_db()
    assert nord.logo.name == "councils/logos/old.png"
    assert nord.logo.read() == image_bytes("PNG")


def test_other_fields_can_be_saved_with_an_older_logo_in_place(client, administrator, nord, settings):
    """A logo accepted before these checks (even one now refused) does not block other edits."""
    nord.logo.save("old.svg", io.BytesIO(b"<svg/>"))
    client.force_login(administrator)

    response = client.post(
        reverse("admin:councils_council_change", args=[nord.pk]),
        {"name": "Conseil Nord", "description": "", "brand_colour": "#0b6e4f", "contributions_on_account_deletion": "anonymise"},
    )

    assert response.status_code == 302
    nord.refresh_from_db()
    assert (nord.name, nord.logo.name) == ("Conseil Nord", "councils/logos/old.svg")


def test_refusal_is_in_french_by_default(client, administrator, nord):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    client.force_login(administrator)

    response = upload_logo(client, nord, "logo.svg", b"<svg/>", "image/svg+xml")

    assert logo_errors(response) == [
        "Les logos SVG sont refusés\u00a0: un fichier SVG peut contenir un script. "
        "Envoyez une image PNG, JPEG ou WebP."
    ]


def test_an_oversized_logo_is_refused_with_its_size_and_the_old_logo_kept(client, administrator, nord):
    client.force_login(administrator)
    upload_logo(client, nord, "old.png", image_bytes("PNG"), "image/png")
    oversized = image_bytes("PNG") + b"\0" * (600 * 1024)  # a valid PNG with trailing bytes: only its size is wrong

    in_english = logo_errors(upload_logo(client, nord, "big.png", oversized, "image/png"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    in_french = logo_errors(upload_logo(client, nord, "big.png", oversized, "image/png"))

    assert in_english == ["The file is too large (601 KiB); the limit is 512 KiB."]
    assert in_french == ["Le fichier est trop lourd (601 Ko)\u00a0; la limite est de 512 Ko."]
    nord.refresh_from_db()
    assert (nord.name, nord.logo.name) == ("Conseil de quartier Nord", "councils/logos/old.png")
