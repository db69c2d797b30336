"""The two fields every form that sets a requirement shows: which verifications, any or all."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from council.verifications import kinds
from council.verifications.models import CENSUS_FIELDS
from council.verifications.models import VerificationCode
from council.verifications.requirements import ALL
from council.verifications.requirements import ANY
from council.verifications.requirements import parse_requirement

MODE_CHOICES = [(ANY, _("any one of them")), (ALL, _("all of them"))]


def add_requirement_fields(form: forms.Form, initial: dict[str, Any] | None = None) -> None:
    """Add `required_verifications` and `verification_mode` to `form`, filled from a stored requirement."""
    requirement = parse_requirement(initial or {})
    form.fields["required_verifications"] = forms.MultipleChoiceField(
        label=_("Verifications required"), choices=kinds.choices(), required=False,
        widget=forms.CheckboxSelectMultiple, initial=list(requirement.kinds),
        help_text=_("Leave empty to require none. People are told what is missing and where to obtain it."),
    )
    form.fields["verification_mode"] = forms.ChoiceField(
        label=_("Required"), choices=MODE_CHOICES, initial=requirement.mode, required=False,
        widget=forms.RadioSelect,
    )


def requirement_from(cleaned_data: dict[str, Any]) -> dict[str, Any]:
    """The requirement the two fields state, as stored (`{}` for none)."""
    names = list(cleaned_data.get("required_verifications") or [])
    if not names:
        return {}
    return {"kinds": names, "mode": cleaned_data.get("verification_mode") or ANY}


class CensusImportForm(forms.Form):
    fields_checked = forms.MultipleChoiceField(
        label=_("What a resident gives to prove they are on the list"),
        choices=list(CENSUS_FIELDS.items()), widget=forms.CheckboxSelectMultiple,
        initial=["family_name", "birth_date", "postcode"],
        help_text=_("At least two. The file's first line names these columns: %(columns)s.")
        % {"columns": ", ".join(CENSUS_FIELDS)},
    )
    census = forms.FileField(
        label=_("Census list (CSV, UTF-8)"),
        help_text=_("Replaces the current list; if any line is wrong, nothing is imported. Only keyed hashes are kept."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class CodesIssueForm(forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=500, initial=1)
    delivery = forms.ChoiceField(label=_("Handed over"), choices=VerificationCode.Delivery.choices)
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=365, initial=lambda: settings.VERIFICATION_CODE_DAYS
    )


class CensusCheckForm(forms.Form):
    """The fields the council chose, built for its list."""

    def __init__(self, *args: Any, fields: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in fields:
            if field == "birth_date":
                self.fields[field] = forms.DateField(
                    label=CENSUS_FIELDS[field], widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"})
                )
            else:
                autocomplete = {"family_name": "family-name", "given_name": "given-name", "postcode": "postal-code"}
                self.fields[field] = forms.CharField(
                    label=CENSUS_FIELDS[field], max_length=150,
                    widget=forms.TextInput(attrs={"autocomplete": autocomplete[field]}),
                )

    def values(self) -> dict[str, str]:
        return {name: value.isoformat() if hasattr(value, "isoformat") else str(value)
                for name, value in self.cleaned_data.items()}


class CodeRedeemForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("As written on the letter or the slip, e.g. ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )
