"""Forms of the group pages: the group itself, the segment builder's condition rows, invitations, CSV import.

The builder turns rows of (field, operator, values, "not") combined with "all" or
"any" into the rule JSON of `council.groups.segments`; the rule language itself
validates the result (unknown zone, wrong operator…) when the service saves it.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from council.councils.models import Council
from council.councils.models import Role
from council.groups import segments
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ProfileAttribute
from council.groups.models import Zone
from council.verifications import kinds

COMBINE_CHOICES = [("all", _("all the conditions")), ("any", _("any of the conditions"))]
OP_CHOICES = [
    ("in", _("is one of")),
    ("between", _("is between (two numbers)")),
]


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Kind"), choices=NeighbourhoodGroup.Kind.choices, widget=forms.RadioSelect)
    join_policy = forms.ChoiceField(label=_("How people join"), choices=NeighbourhoodGroup.JoinPolicy.choices)
    combine = forms.ChoiceField(
        label=_("People match when they meet"), choices=COMBINE_CHOICES, initial="all", widget=forms.RadioSelect
    )


def field_choices(council: Council) -> list[tuple[str, str]]:
    """The fields a condition can test, for this council (its zones, its profile questions…)."""
    choices: list[tuple[str, Any]] = [("", _("— choose —")), ("zone", _("Zone (neighbourhood)"))]
    choices += [
        (f"attribute:{a.key}", _("Answer to: %(label)s") % {"label": a.label})
        for a in council.profile_attributes.all()
    ]
    choices += [
        ("role", _("Role in the council")),
        ("verification", _("Holds the verification")),
        ("group", _("Member of the group")),
    ]
    choices += [(behaviour.name, behaviour.label) for behaviour in segments.behaviours.values()]
    return choices


def value_hints(council: Council) -> list[tuple[str, list[str]]]:
    """What can be typed as values, per field, shown beside the builder."""
    hints = [(str(_("Zone (neighbourhood)")), [f"{z.slug} ({z.name})" for z in Zone.objects.filter(council=council)])]
    for attribute in council.profile_attributes.all():
        if attribute.kind == ProfileAttribute.Kind.NUMBER:
            values = [str(_("a number, or two numbers with 'is between'"))]
        elif attribute.kind == ProfileAttribute.Kind.BOOLEAN:
            values = ["yes", "no"]
        elif attribute.choices:
            values = [str(c) for c in attribute.choices]
        else:
            values = [str(_("any text"))]
        hints.append((attribute.label, values))
    hints.append((str(_("Role in the council")), [f"{r.value} ({r.label})" for r in Role]))
    hints.append((str(_("Holds the verification")), [f"{key} ({label})" for key, label in kinds.choices()]))
    static = NeighbourhoodGroup.objects.filter(council=council, kind=NeighbourhoodGroup.Kind.STATIC)
    hints.append((str(_("Member of the group")), [f"{g.pk} ({g.name})" for g in static]))
    hints.extend(  # behaviours registered by later modules (rooms…)
        (str(behaviour.label), [f"{pk} ({name})" for name, pk in behaviour.choices(council).items()])
        for behaviour in segments.behaviours.values()
    )
    return hints


class ConditionForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), required=False)
    op = forms.ChoiceField(label=_("Operator"), choices=OP_CHOICES, required=False)
    value = forms.CharField(
        label=_("Value(s), separated by commas"), required=False, max_length=2000,
    )
    negate = forms.BooleanField(label=_("not"), required=False)

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.council = council
        self.fields["field"].choices = field_choices(council)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["condition"] = None
        field = data.get("field")
        if not field:
            return data
        values = _split(data.get("value", ""))
        if not values:
            self.add_error("value", _("Give at least one value."))
            return data
        op = data.get("op") or "in"
        try:
            condition = {"field": field, "op": op, "value": _value(self.council, field, op, values)}
        except ValidationError as error:
            self.add_error("value", error)
            return data
        data["condition"] = {"not": condition} if data.get("negate") else condition
        return data


ConditionFormSet = formset_factory(ConditionForm, extra=0, max_num=30, absolute_max=30)


def _split(raw: str) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _named(values: list[str], objects: dict[str, Any]) -> list[Any]:
    """Map names (any case) or keys to the objects' keys; unknown values pass through for the rule to reject."""
    by_name = {name.casefold(): key for name, key in objects.items()}
    return [by_name.get(v.casefold(), v) for v in values]


def _ids(values: list[str], objects: dict[str, int]) -> list[Any]:
    named = _named(values, objects)
    resolved = []
    for value in named:
        if isinstance(value, int):
            resolved.append(value)
        elif value.isdigit():
            resolved.append(int(value))
        else:
            raise ValidationError(_("Unknown: %(value)s.") % {"value": value})
    return resolved


def _value(council: Council, field: str, op: str, values: list[str]) -> Any:
    if field == "zone":
        zones = {}
        for zone in Zone.objects.filter(council=council):
            zones[zone.name] = zone.slug
            zones[zone.slug] = zone.slug
        return _named(values, zones)
    if field == "role":
        roles = {str(role.label): role.value for role in Role} | {role.value: role.value for role in Role}
        return _named(values, roles)
    if field == "verification":
        return _named(values, {label: key for key, label in kinds.choices()} | {key: key for key, _label in kinds.choices()})
    if field == "group":
        groups = dict(NeighbourhoodGroup.objects.filter(council=council).values_list("name", "pk"))
        return _ids(values, groups)
    if field in segments.behaviours:
        return _ids(values, segments.behaviours[field].choices(council))
    if op == "between":
        return values[:2] if len(values) == 2 else values
    return values


def rows_from_rule(rule: dict[str, Any]) -> tuple[str, list[dict[str, Any]]] | None:
    """The builder rows showing `rule`, or None if the rule has another shape than the builder makes."""
    combine = "all" if "all" in rule else "any" if "any" in rule else None
    parts = rule.get(combine) if combine else ([rule] if rule else [])
    if not isinstance(parts, list):
        return None
    rows = []
    for part in parts:
        negate = isinstance(part, dict) and set(part) == {"not"}
        condition = part["not"] if negate else part
        if not isinstance(condition, dict) or "field" not in condition:
            return None
        value = condition.get("value")
        values = value if isinstance(value, list) else [value]
        rows.append(
            {
                "field": condition["field"],
                "op": condition.get("op", "in"),
                "value": ", ".join(str(v) for v in values),
                "negate": negate,
            }
        )
    return (combine or "all"), rows


def rule_from_rows(combine: str, formset: Any) -> dict[str, Any]:
    """Combine the non-empty rows of a valid formset; ValidationError if a value cannot be read."""
    conditions = [c for form in formset.forms if (c := form.cleaned_data.get("condition")) is not None]
    if not conditions:
        raise ValidationError(_("A segment needs at least one condition."))
    return {combine: conditions}


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a person of the council"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 text, at most 1 MB; a first line naming the columns: email (required), display_name (optional)."),
    )
    add_directly = forms.BooleanField(
        label=_("Add them directly as members (instead of inviting them)"), required=False
    )
