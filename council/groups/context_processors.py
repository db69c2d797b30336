from council.groups.notifications import unread_count


def notifications(request):
    """Give the header how many of the person's notifications in the current council are unread."""
    council = getattr(request, "council", None)
    user = getattr(request, "user", None)
    if council is None or user is None or not user.is_authenticated:
        return {"unread_notifications": None}
    return {"unread_notifications": unread_count(user=user, council=council)}
