"""Uploaded images: judged by content, limited in bytes and pixels, stored without their metadata."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from council.core.errors import InvalidInput
from council.core.images import image_checked
from council.core.images import image_clean

GPS = 0x8825
ORIENTATION = 0x0112


def photo(fmt: str = "JPEG", size=(40, 30), *, name: str = "photo.jpg", rotated: bool = False) -> SimpleUploadedFile:
    """A photo as a phone takes it: with its GPS position (the town hall of Lyon) in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if rotated:
        exif[ORIENTATION] = 6  # the camera was turned: show it rotated a quarter turn
    gps = exif.get_ifd(GPS)
    gps.update({1: "N", 2: (45.0, 46.0, 2.0), 3: "E", 4: (4.0, 50.0, 9.0)})
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, fmt, exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif().get_ifd(GPS)  # the fixture carries it
    return SimpleUploadedFile(name, buffer.getvalue())


def _opened(file) -> Image.Image:
    file.seek(0)
    return Image.open(io.BytesIO(file.read()))


@pytest.mark.parametrize(("fmt", "ending"), [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp")])
def test_the_gps_position_and_all_exif_are_gone_and_the_name_says_the_content(fmt, ending):
    cleaned = image_clean(photo(fmt, name="IMG_0042.jpeg"))
    stored = _opened(cleaned)

    assert cleaned.name == f"IMG_0042{ending}"
    assert stored.format == fmt
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert "xmp" not in stored.info


def test_a_turned_photo_is_stored_upright():
    stored = _opened(image_clean(photo(rotated=True)))

    assert stored.size == (30, 40)


def test_the_type_comes_from_the_content_not_the_name():
    renamed = image_clean(photo("PNG", name="vacances.jpg"))
    text = SimpleUploadedFile("photo.jpg", b"just some text, not an image at all")
    svg = SimpleUploadedFile("plan.png", b'<?xml version="1.0"?><svg onload="alert(1)"></svg>')
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")

    assert renamed.name == "vacances.png"
    with pytest.raises(ValidationError, match="not a PNG, JPEG or WebP image"):
        image_clean(text)
    with pytest.raises(ValidationError, match="SVG images are refused"):
        image_clean(svg)
    with pytest.raises(ValidationError, match="not a PNG, JPEG or WebP image"):
        image_clean(SimpleUploadedFile("anim.png", gif.getvalue()))


def test_a_truncated_photo_is_refused():
    whole = photo(size=(400, 300)).read()

    with pytest.raises(ValidationError, match="not a PNG, JPEG or WebP image"):
        image_clean(SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2]))


def test_limits_of_bytes_and_pixels_are_said_with_the_figures():
    with pytest.raises(ValidationError) as too_big:
        image_clean(photo(), max_bytes=100)
    with pytest.raises(ValidationError) as too_many:
        image_clean(photo(size=(2000, 1500)), max_pixels=1_000_000)

    assert too_big.value.messages == ["The file is too large (1 KiB); the limit is 1 KiB."]
    assert too_many.value.messages == [
        "This image is too large in pixels (3.0 megapixels; at most 1.0). Reduce its dimensions and try again."
    ]


def _png_bomb(width: int, height: int) -> bytes:
    """A PNG of a few bytes whose header claims width x height pixels: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [7000, 100_000])  # above our 40 MP; above Pillow's own bomb limit too
def test_a_decompression_bomb_is_refused_before_it_is_decoded(side):
    bomb = SimpleUploadedFile("bomb.png", _png_bomb(side, side))

    with pytest.raises(ValidationError, match="too large in pixels"):
        image_clean(bomb)


def test_services_get_a_clear_refusal_and_a_form_cleaned_image_is_not_encoded_twice():
    cleaned = image_clean(photo())

    assert image_checked(cleaned) is cleaned
    with pytest.raises(InvalidInput, match="not a PNG, JPEG or WebP image"):
        image_checked(SimpleUploadedFile("x.jpg", b"nope"))
