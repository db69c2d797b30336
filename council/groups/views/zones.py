"""Zones of a council, for its administrators: table, map, drawing, renaming, deleting and GeoJSON import."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from council.core.geo import tile_config
from council.core.submit import submit
from council.councils.models import Council
from council.groups import services
from council.groups.forms_zones import ZoneDrawForm
from council.groups.forms_zones import ZoneImportForm
from council.groups.forms_zones import ZoneNameForm
from council.groups.models import Zone


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
        **tile_config(),
        "strings": {
            "found": _("Your zone: %(zone)s."),
            "outside": _("This point is in none of the council's zones."),
            "chosen": _("Zone chosen in the list: %(zone)s."),
            "noZone": _("No zone chosen."),
            "label": _("Map of the zones"),
            "drawn": _("Polygon drawn. Name the zone below and save it."),
            "changed": _("Polygon changed. Name the zone below and save it."),
        },
        **extra,
    }


def _managed_zone(request, zone_id: int | None) -> Zone | None:
    if not request.user.has_perm("groups.manage_zones", request.council):
        raise PermissionDenied
    if zone_id is None:
        return None
    zone = Zone.objects.filter(council=request.council, pk=zone_id).first()
    if zone is None:
        raise Http404
    return zone


def _zone_list_page(request, *, import_form: ZoneImportForm, draw_form: ZoneDrawForm):
    council = request.council
    zones = council.zones.annotate(resident_count=Count("residents")).order_by("name")
    return render(
        request,
        "groups/zone_list.html",
        {
            "council": council,
            "zones": zones,
            "form": import_form,
            "draw_form": draw_form,
            "zones_geojson": zones_feature_collection(council),
            "map_config": map_config(mode="view", draw=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def zone_list(request, council_slug):
    """The zones (table and map), the drawing form and the GeoJSON import (POST here)."""
    council = request.council
    _managed_zone(request, None)
    form = ZoneImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        outcome = submit(
            lambda: services.zones_import(actor=request.user, council=council, geojson=form.cleaned_data["geojson"]),
            form=form,
            field="geojson",
        )
        if outcome.done:
            zones = outcome.result
            messages.success(
                request,
                ngettext("%(count)d zone imported.", "%(count)d zones imported.", len(zones)) % {"count": len(zones)},
            )
            return redirect("zone-list", council_slug=council.slug)
    return _zone_list_page(request, import_form=form, draw_form=ZoneDrawForm())


@login_required
@require_POST
def zone_draw(request, council_slug):
    """Save a polygon drawn on the map (the map script fills the hidden geometry field)."""
    _managed_zone(request, None)
    form = ZoneDrawForm(request.POST)
    if form.is_valid():
        outcome = submit(
            lambda: services.zone_save(actor=request.user, council=request.council, **form.cleaned_data), form=form
        )
        if outcome.done:
            messages.success(request, _("The zone %(name)s was saved.") % {"name": outcome.result.name})
            return redirect("zone-list", council_slug=council_slug)
    return _zone_list_page(request, import_form=ZoneImportForm(), draw_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def zone_rename(request, council_slug, zone_id):
    zone = _managed_zone(request, zone_id)
    form = ZoneNameForm(request.POST or None, initial={"name": zone.name})
    if request.method == "POST" and form.is_valid():
        outcome = submit(
            lambda: services.zone_save(
                actor=request.user, council=request.council, name=form.cleaned_data["name"],
                geometry=zone.geometry, zone_id=zone.pk,
            ),
            form=form,
        )
        if outcome.done:
            messages.success(request, _("The zone was renamed."))
            return redirect("zone-list", council_slug=council_slug)
    return render(request, "groups/zone_rename.html", {"council": request.council, "zone": zone, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def zone_delete(request, council_slug, zone_id):
    zone = _managed_zone(request, zone_id)
    error = None
    if request.method == "POST":
        outcome = submit(lambda: services.zone_delete(actor=request.user, zone=zone))
        error = outcome.error
        if outcome.done:
            messages.success(request, _("The zone %(name)s was deleted.") % {"name": zone.name})
            return redirect("zone-list", council_slug=council_slug)
    return render(
        request,
        "groups/zone_delete.html",
        {"council": request.council, "zone": zone, "residents": zone.residents.count(), "error": error},
    )


urlpatterns = [
    path("zones/", zone_list, name="zone-list"),
    path("zones/draw/", zone_draw, name="zone-draw"),
    path("zones/<int:zone_id>/", zone_rename, name="zone-rename"),
    path("zones/<int:zone_id>/delete/", zone_delete, name="zone-delete"),
]
