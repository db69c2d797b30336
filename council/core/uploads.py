"""Uploaded files: the size limit on the way in, and serving them (MEDIA_ROOT) so that none can run as a page.

Uploads share the site's origin with every council's pages. A file a browser would
render as a document (SVG, HTML, XML) could run script there, so only the raster
image types below keep their own Content-Type; anything else goes out as an opaque
download. `Content-Security-Policy: sandbox` stops script even in a file opened
directly, and `nosniff` stops the browser from guessing a type we did not give.
The header is set here rather than left to a site-wide CSP middleware: django-csp
does not replace a header a view already set, and uploads need this stricter one.
"""

import math
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import HttpRequest
from django.http import HttpResponseBase
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

KIB = 1024
MIB = 1024 * 1024


def size_text(size_bytes: int) -> str:
    """A file size as a person reads it: whole KiB under one MiB, MiB to one decimal above.

    Rounded up, so that a file just over its limit never reads as equal to it.
    """
    if size_bytes < MIB:
        return gettext("%(amount)s KiB") % {"amount": number_format(max(1, math.ceil(size_bytes / KIB)))}
    tenths = math.ceil(size_bytes * 10 / MIB)
    return gettext("%(amount)s MiB") % {"amount": number_format(tenths / 10, decimal_pos=0 if tenths % 10 == 0 else 1)}


#: read in the language of the page that shows the error, like the message itself
size_text_lazy = lazy(size_text, str)


@deconstructible(path="council.core.uploads.MaxFileSize")
class MaxFileSize:
    """Refuse an upload larger than `limit_bytes`, saying its size and the limit.

    One validator for every upload field (logos, project images, follow-up photos, imports);
    deconstructible so that migrations name it with its limit.
    """

    message = _("The file is too large (%(size)s); the limit is %(limit)s.")

    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes

    def __call__(self, file: "File[Any]") -> None:
        if file.size > self.limit_bytes:
            raise ValidationError(
                self.message,  # no code: form errors, not the socket protocol's (docs/asyncapi.yaml)
                params={"size": size_text_lazy(file.size), "limit": size_text_lazy(self.limit_bytes)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxFileSize) and other.limit_bytes == self.limit_bytes

    def __hash__(self) -> int:
        return hash(self.limit_bytes)

#: extension -> Content-Type of the raster images uploads may be served as
SAFE_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
OPAQUE_TYPE = "application/octet-stream"


def upload_content_type(path: str) -> str:
    """Return the Content-Type a stored upload is served with (from its name only)."""
    return SAFE_IMAGE_TYPES.get(PurePosixPath(path).suffix.lower(), OPAQUE_TYPE)


def serve_upload(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve one file of MEDIA_ROOT; `serve` refuses paths that leave it and directories."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    content_type = upload_content_type(path)
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    if response.status_code == 200:
        response["Content-Type"] = content_type
        # A `.svg.gz` would otherwise be unpacked by the browser on the way in.
        if "Content-Encoding" in response:
            del response["Content-Encoding"]
        if content_type == OPAQUE_TYPE:
            disposition = content_disposition_header(
                as_attachment=True, filename=PurePosixPath(path).name
            )
            assert disposition is not None  # None only when not an attachment
            response["Content-Disposition"] = disposition
    return response
