"""The map's markers: each visible contribution with a place, as a compact row, cached per consultation.

A map page that rendered 20,000 contributions took seconds; the page script fetches these rows
instead and clusters them (frontend/src/consultation/map.js). The rows of a consultation are
computed once and cached, encoded, under its version token, which `markers_changed_on_commit` replaces
once a change that adds, moves, relabels or removes a marker is committed. A reader that read
the rows before that commit stores them under the old token, which nobody reads any more, so a
stale map cannot outlive the change; the timeout only frees the memory of old versions.
"""

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from pydantic_core import to_json

from council.consultation.models import Consultation
from council.consultation.models import Contribution

#: the order of the values of each marker row (the page script reads them by position)
FIELDS = ("id", "lat", "lng", "category", "status", "title")
#: how long the rows of a version are kept (a change replaces the version at once, whatever this is)
MARKERS_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class BoundingBox:
    """A map's view, as Leaflet's `toBBoxString()` writes it: west, south, east, north (degrees)."""

    west: float
    south: float
    east: float
    north: float


def _version_key(consultation_id: int) -> str:
    return f"consultation.markers.version.{consultation_id}"


def _version(consultation_id: int) -> str:
    """The consultation's current version token (made on first use; kept until a change replaces it)."""
    key = _version_key(consultation_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid4().hex, timeout=None)
        version = cache.get(key)
    return str(version)


def markers_changed_on_commit(consultation_id: int) -> None:
    """Call in the transaction of any change of a contribution's place, category, status, title or visibility."""
    transaction.on_commit(lambda: cache.set(_version_key(consultation_id), uuid4().hex, timeout=None))


def _rows(
    consultation: Consultation, *, category_id: int | None, status: str, bbox: BoundingBox | None
) -> list[tuple[Any, ...]]:
    """The markers that pass the filters, oldest first (one query), filtered by the database:
    only the rows asked for reach Python."""
    placed = Contribution.objects.visible().filter(
        consultation=consultation, latitude__isnull=False, longitude__isnull=False
    )
    if category_id is not None:
        placed = placed.filter(category_id=category_id)
    if status:
        placed = placed.filter(status=status)
    if bbox is not None:
        placed = placed.filter(
            latitude__gte=bbox.south, latitude__lte=bbox.north, longitude__gte=bbox.west, longitude__lte=bbox.east
        )
    # tuples as the driver gives them, encoded as they are: no Python work per row (nor rounding
    # of the coordinates, which PostgreSQL does slowly, through numeric)
    return list(placed.order_by("pk").values_list("pk", "latitude", "longitude", "category_id", "status", "title"))


def _encoded(consultation: Consultation, rows: list[tuple[Any, ...]]) -> bytes:
    """Encoded by pydantic-core (already a dependency), a few times faster than the json module on thousands of rows."""
    return to_json({"consultation_id": consultation.pk, "fields": FIELDS, "count": len(rows), "markers": rows})


def consultation_markers_json(
    consultation: Consultation, *, category_id: int | None = None, status: str = "", bbox: BoundingBox | None = None
) -> bytes:
    """The markers of the visible contributions that have a place, filtered, as the map data endpoint answers:
    {"consultation_id", "fields": the names of the values of each row, "count", "markers": the rows}.

    Kept encoded per version and per category and status filter (the map page's requests: one
    of them costs a cache read); a bounding box, any rectangle, is read from the database.
    """
    if bbox is not None:
        return _encoded(consultation, _rows(consultation, category_id=category_id, status=status, bbox=bbox))
    key = f"consultation.markers.{consultation.pk}.{_version(consultation.pk)}.{category_id or ''}.{status}"
    body: bytes | None = cache.get(key)
    if body is None:
        body = _encoded(consultation, _rows(consultation, category_id=category_id, status=status, bbox=None))
        cache.set(key, body, MARKERS_CACHE_SECONDS)
    return body
