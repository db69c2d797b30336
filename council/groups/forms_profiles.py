"""Forms of the resident profile and of the questions administrators ask."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council
from council.groups.models import ProfileAttribute
from council.groups.models import ResidentProfile
from council.groups.zones import zone_containing

#: prefix of the form field holding the answer to the question with this key
ANSWER_PREFIX = "answer_"

NO_ANSWER = ("", _("I prefer not to answer"))


def _answer_field(attribute: ProfileAttribute) -> forms.Field:
    """The widget that suits the kind of question; every answer is optional."""
    kind = ProfileAttribute.Kind
    common = {"label": attribute.label, "required": False}
    if attribute.kind == kind.CHOICE:
        return forms.ChoiceField(choices=[NO_ANSWER, *((c, c) for c in attribute.choices)], **common)
    if attribute.kind == kind.MULTI_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in attribute.choices], widget=forms.CheckboxSelectMultiple, **common
        )
    if attribute.kind == kind.BOOLEAN:
        return forms.ChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No")), NO_ANSWER], widget=forms.RadioSelect, **common
        )
    if attribute.kind == kind.NUMBER:
        # Checked by the service, which says which question holds a wrong number.
        return forms.CharField(
            max_length=40, widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}), **common
        )
    return forms.CharField(max_length=200, **common)


class ResidentProfileForm(forms.Form):
    """The council's questions, then the person's location: a point on the map or a zone."""

    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    zone = forms.ChoiceField(label=_("Your zone"), required=False)
    forget_location = forms.BooleanField(label=_("Forget my location"), required=False)

    def __init__(self, *args: Any, council: Council, profile: ResidentProfile | None, **kwargs: Any) -> None:
        self.council = council
        self.attributes = list(council.profile_attributes.all())
        kwargs.setdefault("initial", _initial(profile))
        super().__init__(*args, **kwargs)
        self.zones = list(council.zones.all())
        self.fields["zone"].choices = [("", _("No zone / I prefer not to say")), *((z.slug, z.name) for z in self.zones)]
        for attribute in self.attributes:
            field = _answer_field(attribute)
            field.attribute = attribute
            name = ANSWER_PREFIX + attribute.key
            if not field.widget.use_fieldset:  # the template describes a fieldset itself
                field.widget.attrs["aria-describedby"] = f"id_{name}_purpose id_{name}_error"
            self.fields[name] = field

    def questions(self) -> list[forms.BoundField]:
        return [self[ANSWER_PREFIX + a.key] for a in self.attributes]

    def answers(self) -> dict[str, Any]:
        return {a.key: self.cleaned_data[ANSWER_PREFIX + a.key] for a in self.attributes}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            raise forms.ValidationError(_("A location needs both a latitude and a longitude."))
        return data

    def location(self) -> dict[str, Any]:
        """Keyword arguments of services.profile_update for the location.

        The point wins if the zone chosen in the list is the one it falls in (the map
        script keeps them in step); otherwise the person chose another zone in the list
        after placing the point, and the list wins, dropping the point.
        """
        data = self.cleaned_data
        if data["forget_location"]:
            return {"latitude": None, "longitude": None, "zone_slug": None}
        zone_slug = data["zone"] or None
        if data["latitude"] is not None:
            found = zone_containing(council=self.council, longitude=data["longitude"], latitude=data["latitude"])
            if (found.slug if found else None) == zone_slug:
                return {"latitude": data["latitude"], "longitude": data["longitude"], "zone_slug": None}
        return {"latitude": None, "longitude": None, "zone_slug": zone_slug}


def _initial(profile: ResidentProfile | None) -> dict[str, Any]:
    if profile is None:
        return {}
    initial: dict[str, Any] = {
        "latitude": profile.latitude,
        "longitude": profile.longitude,
        "zone": profile.zone.slug if profile.zone else "",
    }
    for value in profile.values.select_related("attribute"):
        name = ANSWER_PREFIX + value.attribute.key
        if value.attribute.kind == ProfileAttribute.Kind.MULTI_CHOICE:
            initial.setdefault(name, []).append(value.value)
        else:
            initial[name] = value.value
    return initial


class AttributeForm(forms.Form):
    """A question to residents; choices are typed one per line."""

    label = forms.CharField(label=_("Question"), max_length=120)
    key = forms.SlugField(
        label=_("Key"),
        max_length=50,
        help_text=_("Short name used in segment rules, e.g. age-bracket (letters, digits, hyphens)."),
    )
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=ProfileAttribute.Kind.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For one choice or several choices: one per line."),
    )
    purpose = forms.CharField(
        label=_("Why we ask"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to residents beside the question: what the answer is used for."),
    )

    @classmethod
    def initial_from(cls, attribute: ProfileAttribute) -> dict[str, Any]:
        return {
            "label": attribute.label,
            "key": attribute.key,
            "kind": attribute.kind,
            "choices": "\n".join(attribute.choices),
            "purpose": attribute.purpose,
        }

    def clean_choices(self) -> list[str]:
        lines = (line.strip() for line in self.cleaned_data["choices"].splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        choice_kinds = (ProfileAttribute.Kind.CHOICE, ProfileAttribute.Kind.MULTI_CHOICE)
        if data.get("kind") in choice_kinds and not data.get("choices"):
            self.add_error("choices", _("Give at least one choice, one per line."))
        return data
