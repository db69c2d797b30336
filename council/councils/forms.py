"""The administrators' form of a council's statement page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from council.councils.models import CouncilPage


class CouncilPageForm(forms.Form):
    conformity = forms.ChoiceField(
        label=_("Conformity status"),
        choices=CouncilPage.Conformity.choices,
        help_text=_("“Partially compliant” until an audit has been done; shown in the footer of every page."),
    )
    body = forms.CharField(
        label=_("Text"),
        # no length limit but the database's; strip() is the service's to do
        strip=False,
        widget=forms.Textarea(attrs={"rows": 30}),
        help_text=_("Plain text: leave a blank line between paragraphs. Replace the text in [brackets]."),
    )

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kind != CouncilPage.Kind.ACCESSIBILITY:
            del self.fields["conformity"]
