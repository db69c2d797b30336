"""Zones of a council, for its administrators: table, map and GeoJSON import."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.models import Council
from council.groups import services
from council.groups.forms_zones import ZoneImportForm


def zones_feature_collection(council: Council) -> dict[str, Any]:
    """The council's zones as one GeoJSON FeatureCollection, for the maps."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": zone.name, "slug": zone.slug},
                "geometry": zone.geometry,
            }
            for zone in council.zones.all()
        ],
    }


def map_config(**extra: Any) -> dict[str, Any]:
    """What frontend/src/groups/map.js needs besides the zones."""
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "strings": {
            "found": _("Your zone: %(zone)s."),
            "outside": _("This point is in none of the council's zones."),
            "chosen": _("Zone chosen in the list: %(zone)s."),
            "noZone": _("No zone chosen."),
            "label": _("Map of the zones"),
        },
        **extra,
    }


@login_required
def zone_list(request, council_slug):
    council = request.council
    if not request.user.has_perm("groups.manage_zones", council):
        raise PermissionDenied
    form = ZoneImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            zones = services.zones_import(actor=request.user, council=council, geojson=form.cleaned_data["geojson"])
        except InvalidInput as error:
            form.add_error("geojson", error.message)
        except AccessDenied as error:
            raise PermissionDenied from error
        else:
            messages.success(
                request,
                ngettext("%(count)d zone imported.", "%(count)d zones imported.", len(zones)) % {"count": len(zones)},
            )
            return redirect("zone-list", council_slug=council.slug)
    zones = council.zones.annotate(resident_count=Count("residents")).order_by("name")
    return render(
        request,
        "groups/zone_list.html",
        {
            "council": council,
            "zones": zones,
            "form": form,
            "zones_geojson": zones_feature_collection(council),
            "map_config": map_config(mode="view"),
        },
    )


urlpatterns = [
    path("zones/", zone_list, name="zone-list"),
]
