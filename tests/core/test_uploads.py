"""Uploaded files are served with DEBUG off, and none of them can run as a page of the site."""

import pytest

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'


@pytest.fixture
def media_root(settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = str(tmp_path)
    logos = tmp_path / "councils" / "logos"
    logos.mkdir(parents=True)
    (logos / "nord.png").write_bytes(PNG)
    (logos / "old.svg").write_bytes(SVG)
    (logos / "page.html").write_bytes(b"<script>alert(1)</script>")
    (logos / "packed.svg.gz").write_bytes(b"\x1f\x8b not really gzip")
    (tmp_path.parent / "secret.txt").write_text("outside MEDIA_ROOT")
    return tmp_path


def test_logo_is_served_as_an_image_in_a_sandbox(client, media_root):
    response = client.get("/media/councils/logos/nord.png")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="nord.png"'


@pytest.mark.parametrize(
    "name", ["old.svg", "page.html", "packed.svg.gz"], ids=["svg", "html", "compressed svg"]
)
def test_documents_are_only_downloads(client, media_root, name):
    response = client.get(f"/media/councils/logos/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Encoding" not in response


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/media/councils/logos/missing.png", 404),
        ("/media/councils/logos/", 404),
        ("/media/../secret.txt", 400),
    ],
    ids=["missing", "directory", "outside"],
)
def test_nothing_else_is_served(client, media_root, path, status):
    response = client.get(path)

    assert response.status_code == status
    assert b"outside MEDIA_ROOT" not in response.content


@pytest.mark.parametrize(
    ("size", "limit", "message"),
    [
        (5 * 1024 * 1024 + 1, 5 * 1024 * 1024, "The file is too large (5.1 MiB); the limit is 5 MiB."),
        (2 * 1024 * 1024 + 300 * 1024, 2 * 1024 * 1024, "The file is too large (2.3 MiB); the limit is 2 MiB."),
        (2049, 2048, "The file is too large (3 KiB); the limit is 2 KiB."),
    ],
)
def test_an_upload_over_its_limit_is_refused_with_both_sizes_never_equal(size, limit, message):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from council.core.uploads import MaxFileSize

    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        MaxFileSize(limit)(SimpleUploadedFile("f.png", b"\0" * size))
    MaxFileSize(limit)(SimpleUploadedFile("f.png", b"\0" * limit))  # at the limit: accepted

    assert refusal.value.messages == [message]
