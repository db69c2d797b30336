"""The rules page and the proxy form."""

from typing import TYPE_CHECKING
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from council.groups.models import NeighbourhoodGroup
from council.voting.assembly.models import MeetingRules

if TYPE_CHECKING:
    _RulesForm = forms.ModelForm[MeetingRules]
else:
    _RulesForm = forms.ModelForm  # not subscriptable at run time


class MeetingRulesForm(_RulesForm):
    class Meta:
        model = MeetingRules
        fields = [
            "members_group", "hall_counts", "online_counts", "quorum_numerator", "quorum_denominator",
            "proxies_count", "proxies_allowed", "max_proxies_per_holder", "proxy_max_days",
            "roll_call_numerator", "roll_call_denominator", "secret_numerator", "secret_denominator",
            "reconvene_days",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the council's own groups only: never a choice across tenants
        group_field = self.fields["members_group"]
        assert isinstance(group_field, forms.ModelChoiceField)
        group_field.queryset = NeighbourhoodGroup.objects.filter(council=self.instance.council)
        for name in ("quorum_denominator", "roll_call_denominator", "secret_denominator"):
            field = self.fields[name]
            field.validators.append(MinValueValidator(1))
            field.widget.attrs["min"] = 1

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for prefix in ("quorum", "roll_call", "secret"):
            numerator, denominator = data.get(f"{prefix}_numerator"), data.get(f"{prefix}_denominator")
            if numerator is not None and denominator and numerator > denominator:
                self.add_error(f"{prefix}_numerator", _("A fraction cannot be more than 1 (the numerator exceeds the denominator)."))
        if data.get("max_proxies_per_holder") == 0 and data.get("proxies_allowed"):
            self.add_error("max_proxies_per_holder", _("Allow at least one proxy per member, or disallow proxies."))
        return data


class ProxyForm(forms.Form):
    """A proxy: given by the grantor here, or entered by an official from a paper proxy (grantor chosen)."""

    grantor = forms.TypedChoiceField(label=_("Given by"), coerce=int, required=False)
    holder = forms.TypedChoiceField(label=_("Given to"), coerce=int)
    valid_from = forms.DateTimeField(
        label=_("Valid from"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    valid_until = forms.DateTimeField(
        label=_("Valid until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    statement = forms.CharField(
        label=_("Statement"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In the grantor's words, e.g. “I give my proxy to … to vote in my name at the sittings of …”."),
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], paper: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("holder", "grantor"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = people
        if paper:
            self.fields["grantor"].required = True
        else:
            del self.fields["grantor"]
