"""Form of the GeoJSON import of zones."""

from django import forms
from django.utils.translation import gettext_lazy as _

from council.core.errors import InvalidInput
from council.core.parsing import json_loads_strict
from council.groups.zones import MAX_GEOJSON_BYTES


class ZoneImportForm(forms.Form):
    geojson = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_(
            "A FeatureCollection of Polygons or MultiPolygons, each with a 'name' property, "
            "coordinates in longitude/latitude (WGS 84), 5 MB at most. Zones with the same "
            "name are replaced; if any feature is wrong, nothing is imported."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}),
    )

    def clean_geojson(self) -> str:
        upload = self.cleaned_data["geojson"]
        if upload.size > MAX_GEOJSON_BYTES:
            raise forms.ValidationError(
                _("The file is larger than the 5 MB limit. Simplify the polygons or split the file.")
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("The file is not text in UTF-8: is it really GeoJSON?")) from error


class ZoneNameForm(forms.Form):
    name = forms.CharField(label=_("Name of the zone"), max_length=120)


class ZoneDrawForm(ZoneNameForm):
    """A polygon drawn on the map: the map script puts its GeoJSON geometry in `geometry`."""

    geometry = forms.CharField(widget=forms.HiddenInput, required=False, max_length=MAX_GEOJSON_BYTES)

    def clean_geometry(self) -> dict:
        text = self.cleaned_data["geometry"].strip()
        if not text:
            raise forms.ValidationError(
                _("No polygon was drawn: draw the zone on the map first, or import it from a GeoJSON file.")
            )
        try:
            geometry = json_loads_strict(text)
        except InvalidInput as error:
            raise forms.ValidationError(_("The drawn polygon could not be read: draw it again.")) from error
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        if not isinstance(geometry, dict):
            raise forms.ValidationError(_("The drawn polygon could not be read: draw it again."))
        return geometry
