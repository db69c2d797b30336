"""Forms of the petitions' pages: they parse and label, the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from council.consultation.forms import new_request_id
from council.consultation.petitions.models import MAX_ANSWER_CHARS
from council.consultation.petitions.models import MAX_BODY_CHARS
from council.consultation.petitions.models import MAX_TITLE_CHARS
from council.councils.models import Council
from council.rooms.models import Room
from council.verifications.forms import add_requirement_fields


class PetitionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_CHARS)
    body = forms.CharField(
        label=_("What the petition asks for"), max_length=MAX_BODY_CHARS, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text: line breaks and links are kept."),
    )
    request_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("request_id", new_request_id())


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Official answer"), max_length=MAX_ANSWER_CHARS, widget=forms.Textarea(attrs={"rows": 5}))


class SettingsForm(forms.Form):
    threshold = forms.IntegerField(label=_("Signatures needed"), min_value=1)
    meeting_room = forms.TypedChoiceField(label=_("Meeting whose agenda receives petitions"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        """`initial["verification_requirement"]`: the stored requirement asked of signers."""
        super().__init__(*args, **kwargs)
        add_requirement_fields(self, self.initial.get("verification_requirement"))
        rooms = Room.objects.filter(council=council, parent__isnull=True).order_by("name")
        field = self.fields["meeting_room"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("None: petitions go on no agenda")), *((room.pk, room.name) for room in rooms)]
