"""Sharing a page: its Open Graph and Twitter card tags, and links to share it.

Domain-free: a module's view builds `page_share(...)` for its page and the templates
`core/_meta.html` (in `{% block meta %}`) and `core/_share.html` show it. Share links are
plain links to each network's documented share address (no script of theirs, no cookie
from them until the person follows the link); "copy the link" is the one script
(frontend/src/core/share.js), and without script the address stays in a field to copy by hand.
"""

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import quote
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext as _

#: description length in the tags: what Facebook, X and LinkedIn show before cutting
DESCRIPTION_CHARS = 200


@dataclass(frozen=True)
class ShareLink:
    network: str
    label: str
    href: str


@dataclass(frozen=True)
class PageShare:
    url: str
    title: str
    description: str
    site_name: str
    image_url: str = ""
    image_alt: str = ""
    kind: str = "website"
    links: list[ShareLink] = field(default_factory=list)


def page_share(
    request: HttpRequest, *, path: str, title: str, description: str, site_name: str,
    image: Any = None, image_alt: str = "", kind: str = "website",
) -> PageShare:
    """What a page says of itself when shared, and where it can be shared; `image` a stored file or None."""
    url = request.build_absolute_uri(path)
    summary = Truncator(" ".join((description or "").split())).chars(DESCRIPTION_CHARS)
    return PageShare(
        url=url, title=title, description=summary, site_name=site_name,
        image_url=request.build_absolute_uri(image.url) if image else "", image_alt=image_alt if image else "",
        kind=kind, links=share_links(url, title),
    )


def share_links(url: str, title: str) -> list[ShareLink]:
    """Links that share `url` by e-mail and on the networks councils use, in that order.

    mailto: is encoded with %20 for spaces (RFC 6068), not the "+" of forms.
    """
    text = f"{title} {url}"
    return [
        ShareLink("email", _("E-mail"), "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)),
        ShareLink("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ShareLink("x", "X (Twitter)", "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": title})),
        ShareLink("linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        ShareLink("whatsapp", "WhatsApp", "https://wa.me/?" + urlencode({"text": text})),
        ShareLink("bluesky", "Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text})),
    ]

