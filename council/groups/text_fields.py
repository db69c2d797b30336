"""Text of groups, zones and profiles that people write (see council.core.text_fields)."""

from council.core.text_fields import JSON
from council.core.text_fields import not_written_by_people
from council.core.text_fields import written_by_people

written_by_people("groups.ProfileAttribute", "label", "purpose")
written_by_people("groups.ProfileAttribute", "choices", holds=JSON)
written_by_people("groups.ProfileValue", "value")
written_by_people("groups.Zone", "name")
written_by_people("groups.NeighbourhoodGroup", "name", "description")
# Conditions name attribute values (free text) as well as slugs and ids.
written_by_people("groups.NeighbourhoodGroup", "rule", holds=JSON)
written_by_people("groups.NotificationSend", "subject", "body")
not_written_by_people("groups.ProfileAttribute", "key", reason="a SlugField: letters, digits, - and _")
not_written_by_people("groups.Zone", "slug", reason="a SlugField, derived from the name by slugify")
not_written_by_people(
    "groups.Zone", "geometry", reason="GeoJSON checked by shapely: coordinates, no strings shown"
)
not_written_by_people(
    "groups.NotificationSend", "audience", reason="the name a module registered its audience under, in code"
)
not_written_by_people(
    "groups.NotificationSend", "link", reason="a path of this site, reversed by the module that sends (a contribution's page)"
)
