"""Places on a map: what every model with a `latitude` and `longitude` pair must hold, and the tiles maps show."""

from django.conf import settings
from django.db import models
from django.db.models import Q


def point_constraint(name: str) -> models.CheckConstraint:
    """Both coordinates or neither, and a point on Earth (degrees, WGS 84).

    Several models carry an optional place (budget projects, consultation contributions);
    one condition keeps them alike. The second branch names both coordinates as present: a
    comparison with NULL is unknown, which a CHECK lets through, so without it a place with
    one coordinate would pass.
    """
    return models.CheckConstraint(
        condition=Q(latitude__isnull=True, longitude__isnull=True)
        | Q(
            latitude__isnull=False, longitude__isnull=False,
            latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180,
        ),
        name=name,
    )


def tile_config() -> dict[str, str]:
    """The operator's map tiles, for frontend/src/core/map.js (every map of the site)."""
    return {"tileUrl": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
