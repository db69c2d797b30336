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
from pydantic_core import from_json
from pydantic_core import to_json

from council.consultation.models import Consultation
from council.consultation.models import Contribution

#: the order of the values of each marker row (the page script reads them by position)
FIELDS = ("id", "lat", "lng", "category", "status", "title")
#: how long the rows of a version are kept (a change replaces the version at once, whatever this is)
MARKERS_CACHE_SECONDS = 3600
#: decimals kept of a coordinate (about 10 cm): shorter rows, the same places
COORDINATE_DECIMALS = 6


@dataclass(frozen=True)
class BoundingBox:
    """A map's view, as Leaflet's `toBBoxString()` writes it: west, south, east, north (degrees)."""

    west: float
    south: float
    east: float
    north: float

    def holds(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


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


def _body(consultation: Consultation) -> bytes:
    """Every marker of the consultation, oldest first, as the endpoint's JSON (one query when not cached).

    Kept encoded: the usual request (no filter) costs a cache read. Encoded by pydantic-core
    (already a dependency), a few times faster than the json module on thousands of rows.
    """
    key = f"consultation.markers.{consultation.pk}.{_version(consultation.pk)}"
    body: bytes | None = cache.get(key)
    if body is None:
        placed = (
            Contribution.objects.visible()
            .filter(consultation=consultation, latitude__isnull=False, longitude__isnull=False)
            .order_by()  # sorted here: cheaper than by the database, which would sort every row it read
            .values_list("pk", "latitude", "longitude", "category_id", "status", "title")
        )
        rows = sorted(
            [pk, round(latitude, COORDINATE_DECIMALS), round(longitude, COORDINATE_DECIMALS), category_id, status, title]
            for pk, latitude, longitude, category_id, status, title in placed
            if latitude is not None and longitude is not None  # the query's filter, said to the type checker
        )
        body = _encoded(consultation, rows)
        cache.set(key, body, MARKERS_CACHE_SECONDS)
    return body


def _encoded(consultation: Consultation, rows: list[list[Any]]) -> bytes:
    return to_json({"consultation_id": consultation.pk, "fields": FIELDS, "count": len(rows), "markers": rows})


def consultation_markers_json(
    consultation: Consultation, *, category_id: int | None = None, status: str = "", bbox: BoundingBox | None = None
) -> bytes:
    """The markers of the visible contributions that have a place, filtered, as the map data endpoint answers.

    {"consultation_id", "fields": the names of the values of each row, "count", "markers": the rows}.
    """
    body = _body(consultation)
    if category_id is None and not status and bbox is None:
        return body
    rows = from_json(body)["markers"]
    if category_id is not None:
        rows = [row for row in rows if row[3] == category_id]
    if status:
        rows = [row for row in rows if row[4] == status]
    if bbox is not None:
        rows = [row for row in rows if bbox.holds(row[1], row[2])]
    return _encoded(consultation, rows)
