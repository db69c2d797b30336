"""HTTP routes of groups and segments, under /c/<council_slug>/; one list per view module."""

from council.groups.views import groups
from council.groups.views import notifications
from council.groups.views import profiles
from council.groups.views import zones

urlpatterns = [
    *profiles.urlpatterns,
    *zones.urlpatterns,
    *groups.urlpatterns,
    *notifications.urlpatterns,
]
