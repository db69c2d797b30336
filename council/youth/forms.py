from django import forms
from django.utils.translation import gettext_lazy as _


class BirthDateForm(forms.Form):
    born_on = forms.DateField(
        label=_("Your birth date"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


class ParentalConsentForm(forms.Form):
    parent_name = forms.CharField(
        label=_("Your parent's name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    parent_email = forms.EmailField(
        label=_("Your parent's e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
