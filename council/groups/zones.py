"""Zones from GeoJSON: validation with shapely and point-in-polygon lookup."""

import hashlib
from collections.abc import Callable
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _
from shapely.geometry import Point
from shapely.geometry import shape
from shapely.prepared import prep
from shapely.validation import explain_validity

from council.core.errors import InvalidInput
from council.core.parsing import json_loads_strict
from council.councils.models import Council
from council.groups.models import Zone

MAX_GEOJSON_BYTES = 5 * 1024 * 1024


def parse_feature_collection(text: str) -> list[dict[str, Any]]:
    """Return [{name, slug, geometry, bbox}] or raise InvalidInput listing every bad feature."""
    if len(text.encode()) > MAX_GEOJSON_BYTES:
        raise InvalidInput(_("The file is larger than 5 MB."))
    try:
        document = json_loads_strict(text)
    except InvalidInput as error:
        raise InvalidInput(_("The file is not valid JSON: %(error)s") % {"error": error.message}) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise InvalidInput(_("The file must be a GeoJSON FeatureCollection."))
    zones, problems = [], []
    for index, feature in enumerate(document.get("features") or [], start=1):
        try:
            zones.append(_zone_from_feature(feature))
        except InvalidInput as error:
            problems.append(_("Feature %(n)d: %(error)s") % {"n": index, "error": error.message})
    if problems:
        raise InvalidInput(" ".join(problems))
    if not zones:
        raise InvalidInput(_("The file holds no feature."))
    slugs = [z["slug"] for z in zones]
    if len(set(slugs)) != len(slugs):
        raise InvalidInput(_("Two features have the same name."))
    return zones


def parse_geometry(name: str, geometry: Any) -> dict[str, Any]:
    """Return {name, slug, geometry, bbox} for one drawn zone, checked as an imported feature is."""
    return _zone_from_feature({"type": "Feature", "properties": {"name": name}, "geometry": geometry})


def _zone_from_feature(feature: Any) -> dict[str, Any]:
    if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
        raise InvalidInput(_("not a Feature with a geometry."))
    name = str((feature.get("properties") or {}).get("name") or "").strip()
    if not name:
        raise InvalidInput(_("it has no 'name' property."))
    geometry = feature["geometry"]
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise InvalidInput(_("%(name)s is a %(type)s, not a Polygon or MultiPolygon.") % {"name": name, "type": geometry.get("type")})
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as error:
        raise InvalidInput(_("%(name)s has malformed coordinates.") % {"name": name}) from error
    if polygon.is_empty or not polygon.is_valid:
        raise InvalidInput(_("%(name)s is not a valid polygon (%(reason)s).") % {"name": name, "reason": explain_validity(polygon)})
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise InvalidInput(_("%(name)s has coordinates outside longitude/latitude ranges.") % {"name": name})
    return {
        "name": name[:120],
        # A name with no Latin letters (北区) gets a slug from its digest: the same in every
        # process, so re-importing the file replaces the zone instead of adding a copy.
        "slug": slugify(name)[:80] or f"zone-{hashlib.sha256(name.encode()).hexdigest()[:12]}",
        "geometry": geometry,
        "bbox": polygon.bounds,
    }


def zone_containing(*, council: Council, longitude: float, latitude: float) -> Zone | None:
    """The council's zone that contains the point (bounding boxes filter in SQL first)."""
    candidates = Zone.objects.filter(
        council=council,
        min_lon__lte=longitude,
        max_lon__gte=longitude,
        min_lat__lte=latitude,
        max_lat__gte=latitude,
    )
    point = Point(longitude, latitude)
    return next((z for z in candidates if shape(z.geometry).covers(point)), None)


def zone_locator(*, council: Council) -> Callable[[float, float], Zone | None]:
    """Return locate(longitude, latitude) answering as zone_containing does, for many points.

    The council's zones are read once, so placing every resident again is not one query each.
    """
    zones = [(zone, prep(shape(zone.geometry))) for zone in Zone.objects.filter(council=council)]

    def locate(longitude: float, latitude: float) -> Zone | None:
        point = Point(longitude, latitude)
        return next(
            (
                zone
                for zone, polygon in zones
                if zone.min_lon <= longitude <= zone.max_lon
                and zone.min_lat <= latitude <= zone.max_lat
                and polygon.covers(point)
            ),
            None,
        )

    return locate
