"""Form of the GeoJSON import of zones."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
