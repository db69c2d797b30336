"""The facilitators' form for a plenary room: name, date, who may come in, what verifications they need."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from council.accounts.models import User
from council.councils.models import Council
from council.groups.models import NeighbourhoodGroup
from council.verifications.forms import add_requirement_fields

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class RoomForm(forms.Form):
    """Only the council's own groups are offered; the service checks again."""

    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_at = forms.DateTimeField(
        label=_("Date and time of the meeting"),
        required=False,
        input_formats=[DATETIME_LOCAL],
        # The browser's own date and time picker; the value is read in the instance's time zone.
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Optional. Visitors see the upcoming meetings on the council's page."),
    )
    eligible_groups = forms.ModelMultipleChoiceField(
        label=_("Open only to these groups"),
        queryset=NeighbourhoodGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to open the room to everyone in the council."),
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        eligible_groups = self.fields["eligible_groups"]
        assert isinstance(eligible_groups, forms.ModelMultipleChoiceField)  # the field declared above
        eligible_groups.queryset = NeighbourhoodGroup.objects.filter(council=council).order_by("name", "pk")
        add_requirement_fields(self, council, self.initial.get("verification_requirement"))

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "starts_at": data["starts_at"],
            "eligible_group_ids": [group.pk for group in data["eligible_groups"]],
            "verification_requirement": data["verification_requirement"],
        }


class FacilitatorForm(forms.Form):
    """Name a facilitator of one room among those the rules allow; the service checks again."""

    user = forms.ModelChoiceField(
        label=_("Member of the council"),
        queryset=User.objects.none(),
        empty_label=_("Choose a member"),
        error_messages={
            "required": _("Choose a member of the council."),
            "invalid_choice": _("Choose a member of this council who does not run the room yet."),
        },
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)  # the field declared above; shown by public name (User.__str__)
        field.queryset = User.objects.filter(pk__in=[person.pk for person in candidates]).order_by("display_name", "pk")
