"""The requirement chooser every form that sets one shows (which verifications, any or all); census and code forms."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from council.councils import tenancy
from council.councils.admin import SameCouncilForm
from council.councils.models import Council
from council.verifications import kinds
from council.verifications.models import CENSUS_FIELDS
from council.verifications.models import VerificationCode
from council.verifications.requirements import ALL
from council.verifications.requirements import ANY
from council.verifications.requirements import Requirement
from council.verifications.requirements import check_offered
from council.verifications.requirements import parse_requirement

MODE_CHOICES = [(ANY, _("any one of them")), (ALL, _("all of them"))]


class RequirementWidget(forms.MultiWidget):
    """Two groups, each in its own fieldset: the kinds (checkboxes), then any or all (radios)."""

    use_fieldset = True  # the field's label is the outer legend

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.CheckboxSelectMultiple, forms.RadioSelect(choices=MODE_CHOICES)], attrs)

    def decompress(self, value: Any) -> list[Any]:
        requirement = parse_requirement(value) if value else Requirement()
        return [list(requirement.kinds), requirement.mode]

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        values = value if isinstance(value, list) else self.decompress(value)
        attrs = self.build_attrs(self.attrs, attrs)
        legends = [_("Which verifications"), _("How many of them")]
        parts = []
        for index, (widget, legend) in enumerate(zip(self.widgets, legends, strict=True)):
            widget_attrs = {**attrs, "id": f"{attrs['id']}_{index}"} if attrs.get("id") else attrs
            shown = values[index] if index < len(values) else None
            parts.append((legend, widget.render(f"{name}_{index}", shown, widget_attrs, renderer)))
        return format_html_join("", '<fieldset class="requirement-part"><legend>{}</legend>{}</fieldset>', parts)


class RequirementField(forms.MultiValueField):
    """The one chooser of what a room, poll, vote, budget or consultation requires.

    Its value is the stored requirement (`{}` for none). `offer(council, stored)` lists the
    kinds the council offers, and those the thing already requires; until then every kind.
    """

    widget = RequirementWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Verifications required"))
        kwargs.setdefault(
            "help_text", _("Leave empty to require none. People are told what is missing and where to obtain it.")
        )
        fields = (
            forms.MultipleChoiceField(choices=kinds.choices, required=False),
            forms.ChoiceField(choices=MODE_CHOICES, required=False),
        )
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)
        self._set_choices(kinds.choices())
        self.council: Council | None = None
        self.kept: tuple[str, ...] = ()

    def _set_choices(self, choices: list[tuple[str, str]]) -> None:
        names = self.fields[0]
        assert isinstance(names, forms.MultipleChoiceField)
        names.choices = choices
        self.widget.widgets[0].choices = choices  # type: ignore[attr-defined]

    def offer(self, council: Council, stored: Any = None) -> None:
        """Offer the kinds `council` lets people obtain, and keep those `stored` already names."""
        self.council = council
        self.kept = parse_requirement(stored or {}).kinds
        offered = [kind.key for kind in kinds.offered(council)]
        self._set_choices([(key, kinds.label(key)) for key in [*offered, *(k for k in self.kept if k not in offered)]])

    def compress(self, data_list: list[Any]) -> dict[str, Any]:
        names = list(data_list[0] or []) if data_list else []
        if not names:
            return {}
        requirement = Requirement(tuple(names), (data_list[1] if len(data_list) > 1 else "") or ANY)
        if self.council is not None:
            check_offered(self.council, requirement, self.kept)
        return requirement.as_json()


def add_requirement_fields(form: forms.Form, council: Council, initial: dict[str, Any] | None = None) -> None:
    """Add the chooser as `verification_requirement` to `form`, offering `council`'s kinds."""
    field = RequirementField(initial=initial or {})
    field.offer(council, initial)
    form.fields["verification_requirement"] = field


class RequirementAdminForm(SameCouncilForm):
    """An admin form (rooms, budgets, consultations) whose `verification_requirement` is the chooser.

    The object's council offers the kinds; a new object's council is chosen in the same form,
    so every kind is listed and those its council does not offer are refused on saving.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "verification_requirement" not in self.fields:
            return
        stored = self.instance.verification_requirement if self.instance.pk else {}
        field = RequirementField(label=self.fields["verification_requirement"].label, initial=stored)
        council = tenancy.council_of(self.instance) if self.instance.pk else None
        if council is not None:
            field.offer(council, stored)
        self.fields["verification_requirement"] = field

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}  # type: ignore[no-untyped-call]  # SameCouncilForm is untyped
        if "verification_requirement" not in self.fields or not data.get("verification_requirement"):
            return data
        council_id = tenancy.council_id_from(type(self.instance), data, self.instance)
        council = Council.objects.filter(pk=council_id).first() if council_id is not None else None
        if council is not None:
            kept = self.instance.verification_requirement if self.instance.pk else {}
            try:
                check_offered(council, parse_requirement(data["verification_requirement"]), parse_requirement(kept).kinds)
            except ValidationError as error:
                self.add_error("verification_requirement", error)
        return data


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
