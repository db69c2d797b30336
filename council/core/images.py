"""Uploaded images: judged by their content, limited in bytes and pixels, re-encoded without metadata.

Every image a person uploads goes through `image_clean` before it is stored:

- its type is read from its content by Pillow, never from its name or the browser's
  Content-Type; only PNG, JPEG and WebP are kept (the types `uploads.py` serves as images),
  and the stored name ends as the content says;
- its size in bytes and in pixels are limited: the pixel count is read from the header,
  before anything is decoded, so a small file that would unpack into gigabytes (a
  "decompression bomb") is refused with a clear message and never decoded;
- it is decoded and written again by Pillow, which keeps the pixels and drops the rest:
  EXIF (the GPS position a phone records, the camera's serial number), XMP, comments.
  The EXIF orientation is applied to the pixels first, so the photo still stands upright.

Errors are `ValidationError`s in words a person can act on; a form shows them on the field
(`ImageField` below). Services take the upload through `image_checked`, which lets an image a
form already cleaned through and cleans any other, raising `InvalidInput`.
"""

import io
import warnings
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image
from PIL import ImageOps

from council.core.errors import InvalidInput
from council.core.uploads import MIB
from council.core.uploads import MaxFileSize

DEFAULT_MAX_BYTES = 5 * MIB
#: 40 megapixels: more than any phone's photo, far less than what would exhaust a worker's memory
DEFAULT_MAX_PIXELS = 40_000_000
#: Pillow format -> the ending of the stored name (it decides the Content-Type served, uploads.py)
IMAGE_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
ACCEPT = "image/png,image/jpeg,image/webp"

NOT_AN_IMAGE = _("This file is not a PNG, JPEG or WebP image.")
NO_SVG = _("SVG images are refused: an SVG file can carry a script. Upload a PNG, JPEG or WebP image.")
TOO_MANY_PIXELS = _(
    "This image is too large in pixels (%(pixels)s megapixels; at most %(limit)s). "
    "Reduce its dimensions and try again."
)


class CleanImage(ContentFile):  # type: ignore[type-arg]
    """An image `image_clean` wrote: checked, without metadata, named as its content says."""


def _megapixels(pixels: int) -> str:
    return number_format(round(pixels / 1_000_000, 1), decimal_pos=1)


def image_clean(
    file: Any, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pixels: int = DEFAULT_MAX_PIXELS
) -> CleanImage:
    """Check an uploaded image and return a re-encoded copy without metadata, ready to store.

    Raises ValidationError (not an image, another type, too many bytes or pixels, truncated).
    """
    MaxFileSize(max_bytes)(file)
    file.seek(0)
    head = file.read(1024).lower()
    file.seek(0)
    if PurePosixPath(getattr(file, "name", "") or "").suffix.lower() == ".svg" or b"<svg" in head:
        raise ValidationError(NO_SVG)
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit and raises above twice that: both are refusals here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                format_ = image.format
                if format_ not in IMAGE_FORMATS:
                    raise ValidationError(NOT_AN_IMAGE)
                pixels = image.width * image.height
                if pixels > max_pixels:
                    raise _too_many_pixels(pixels, max_pixels)
                image.load()  # decodes everything: a truncated or forged file fails here
                icc_profile = image.info.get("icc_profile")
                upright = ImageOps.exif_transpose(image)
                content = _encode(upright, format_, icc_profile)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(0, max_pixels) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(NOT_AN_IMAGE) from error
    finally:
        file.seek(0)
    stem = get_valid_filename(PurePosixPath(getattr(file, "name", "") or "image").stem)[:60] or "image"
    return CleanImage(content, name=f"{stem}{IMAGE_FORMATS[format_]}")


def image_checked(file: Any, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pixels: int = DEFAULT_MAX_PIXELS) -> CleanImage:
    """For services: the image cleaned (once: a form's `ImageField` did it already), or InvalidInput."""
    if isinstance(file, CleanImage):
        return file
    try:
        return image_clean(file, max_bytes=max_bytes, max_pixels=max_pixels)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from None


class ImageField(forms.FileField):
    """A form's image upload: cleaned by `image_clean`, so its errors show on the field."""

    def __init__(self, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pixels: int = DEFAULT_MAX_PIXELS, **kwargs: Any) -> None:
        self.max_bytes, self.max_pixels = max_bytes, max_pixels
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        file = super().clean(data, initial)
        if not file or getattr(file, "_committed", False) or file is initial:
            return file  # nothing sent, cleared (False), or the image stored before
        return image_clean(file, max_bytes=self.max_bytes, max_pixels=self.max_pixels)


def _too_many_pixels(pixels: int, max_pixels: int) -> ValidationError:
    if not pixels:  # Pillow stopped it before we could count: say the limit only
        return ValidationError(
            _("This image is too large in pixels (at most %(limit)s megapixels). Reduce its dimensions and try again."),
            params={"limit": _megapixels(max_pixels)},
        )
    return ValidationError(TOO_MANY_PIXELS, params={"pixels": _megapixels(pixels), "limit": _megapixels(max_pixels)})


def _encode(image: Image.Image, format_: str, icc_profile: bytes | None) -> bytes:
    """The pixels written again: only what the encoder is given (no exif, no xmp) goes in."""
    if format_ == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    elif format_ == "PNG" and image.mode not in ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")
    elif format_ == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    options: dict[str, Any] = {"exif": b""}
    if icc_profile:
        options["icc_profile"] = icc_profile  # colours, nothing about the person
    if format_ == "JPEG":
        options |= {"quality": 88, "optimize": True}
    elif format_ == "WEBP":
        options |= {"quality": 88}
    elif format_ == "PNG":
        options |= {"optimize": True}
        if "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
    output = io.BytesIO()
    image.save(output, format=format_, **options)
    return output.getvalue()
