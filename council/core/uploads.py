"""Serve uploaded files (MEDIA_ROOT) in every setting, so that none can run as a page.

Uploads share the site's origin with every council's pages. A file a browser would
render as a document (SVG, HTML, XML) could run script there, so only the raster
image types below keep their own Content-Type; anything else goes out as an opaque
download. `Content-Security-Policy: sandbox` stops script even in a file opened
directly, and `nosniff` stops the browser from guessing a type we did not give.
The header is set here rather than left to a site-wide CSP middleware: django-csp
does not replace a header a view already set, and uploads need this stricter one.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.http import HttpRequest
from django.http import HttpResponseBase
from django.utils.http import content_disposition_header
from django.views.static import serve

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
