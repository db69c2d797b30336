"""Forms of the consultation's pages: they parse and label, the services decide."""

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from council.consultation.models import MAX_BODY_CHARS
from council.consultation.models import MAX_COMMENT_CHARS
from council.consultation.models import MAX_IMAGE_DESCRIPTION_CHARS
from council.consultation.models import MAX_REASON_CHARS
from council.consultation.models import MAX_TITLE_CHARS
from council.consultation.models import AbuseReport
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.core.images import ImageField


def new_request_id() -> str:
    """A form's idempotency key: sent twice (a double click, a reload), it submits once."""
    return secrets.token_urlsafe(16)


class ContributionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_CHARS)
    body = forms.CharField(
        label=_("Your idea"), max_length=MAX_BODY_CHARS, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text: line breaks and links are kept."),
    )
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    image = ImageField(
        label=_("Image"), required=False,
        help_text=_("A PNG, JPEG or WebP photo or drawing, at most 5 MB; its metadata (such as a GPS position) is removed."),
    )
    image_description = forms.CharField(
        label=_("What the image shows"), max_length=MAX_IMAGE_DESCRIPTION_CHARS, required=False,
        help_text=_("For those who cannot see it; needed with an image."),
    )
    request_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c.pk, c.name) for c in consultation.categories.all()]
        category = self.fields["category"]
        assert isinstance(category, forms.TypedChoiceField)
        category.choices = [("", _("No category")), *choices]
        if not choices:
            del self.fields["category"]
        if not self.is_bound:
            self.initial.setdefault("request_id", new_request_id())

    @staticmethod
    def initial_for(contribution: Contribution) -> dict[str, Any]:
        return {
            "title": contribution.title, "body": contribution.body, "category": contribution.category_id,
            "latitude": contribution.latitude, "longitude": contribution.longitude,
            "image_description": contribution.image_description,
        }

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"], "body": data["body"], "category_id": data.get("category"),
            "latitude": data["latitude"], "longitude": data["longitude"],
            "image": data.get("image") or None, "image_description": data.get("image_description", ""),
        }


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=MAX_COMMENT_CHARS, widget=forms.Textarea(attrs={"rows": 3}))
    stance = forms.ChoiceField(
        label=_("Your position"), choices=Comment.Stance.choices, initial=Comment.Stance.NEUTRAL, widget=forms.RadioSelect
    )
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    request_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("request_id", new_request_id())


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=AbuseReport.Reason.choices)
    details = forms.CharField(label=_("Details"), max_length=MAX_REASON_CHARS, required=False)
    comment = forms.IntegerField(widget=forms.HiddenInput, required=False)
