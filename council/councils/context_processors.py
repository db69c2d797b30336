from functools import partial

from council.councils.branding import DEFAULT_PALETTE
from council.councils.selectors import accessibility_status


def council_brand(request):
    """Give every template the current council and a palette that meets WCAG AA."""
    council = getattr(request, "council", None)
    return {
        "current_council": council,
        "palette": council.palette if council else DEFAULT_PALETTE,
        # read only when a template shows it (the footer of the council's pages)
        "accessibility_status": partial(accessibility_status, council=council) if council else None,
    }
