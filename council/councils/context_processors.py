from council.councils.branding import DEFAULT_PALETTE


def council_brand(request):
    """Give every template the current council and a palette that meets WCAG AA."""
    council = getattr(request, "council", None)
    return {
        "current_council": council,
        "palette": council.palette if council else DEFAULT_PALETTE,
    }
