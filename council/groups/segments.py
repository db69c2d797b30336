"""Segment rules: a small JSON language compiled to one SQL query over users.

A rule is a tree: ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": rule}`` or a
condition ``{"field": F, "op": OP, "value": V}`` where F is one of

- ``zone`` (op ``in``: zone slugs),
- ``attribute:<key>`` (op ``in``: any of the values; ``between``: [low, high] for numbers),
- ``role`` (op ``in``: council roles),
- ``identity_level`` (op ``at_least``: a level of IdentityLevel),
- ``group`` (op ``in``: ids of static groups the person is an active member of),
- ``attended_room`` (op ``in``: ids of rooms the person joined at least once),
- a behaviour registered by a later module with ``register_behaviour`` (op ``in``).

Evaluation is a single query (EXISTS sub-queries), never a Python loop.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case
from django.db.models import Exists
from django.db.models import FloatField
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import When
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission

from council.core.errors import InvalidInput
from council.councils.models import ROLE_GRANTS
from council.councils.models import Council
from council.councils.models import Role
from council.groups.models import IdentityLevel
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ProfileAttribute
from council.groups.models import ProfileValue
from council.groups.models import ResidentProfile
from council.groups.models import Zone

MAX_DEPTH = 6
MAX_CONDITIONS = 30

#: behaviour name -> function(council, values) returning a Q over users
_behaviours: dict[str, Callable[[Council, list[Any]], Q]] = {}


@dataclass(frozen=True)
class Behaviour:
    """How the segment builder offers a behaviour: its label and the things it names."""

    name: str
    label: Any  # a lazy translated string
    choices: Callable[[Council], dict[str, int]]  # the council's things: name -> id


#: behaviour name -> how the builder (forms_groups.py) shows it
behaviours: dict[str, Behaviour] = {}


def register_behaviour(
    name: str,
    condition: Callable[[Council, list[Any]], Q],
    *,
    label: Any = None,
    choices: Callable[[Council], dict[str, int]] | None = None,
) -> None:
    """Let a module (rooms, consultation, …) offer "took part in X" conditions.

    With `label` and `choices`, the segment builder offers it too, naming the council's
    things (rooms…) without groups knowing what they are.
    """
    _behaviours[name] = condition
    if label is not None and choices is not None:
        behaviours[name] = Behaviour(name=name, label=label, choices=choices)


def _role_condition(council: Council, roles: list[str]) -> Q:
    try:
        codenames = [ROLE_GRANTS[Role(role)] for role in roles]
    except ValueError as error:
        raise InvalidInput(_("Unknown role in the rule.")) from error
    grants = UserObjectPermission.objects.filter(
        user=OuterRef("pk"),
        content_type=ContentType.objects.get_for_model(Council),
        object_pk=str(council.pk),
        permission__codename__in=codenames,
    )
    return Q(Exists(grants))


def _identity_condition(council: Council, level: Any) -> Q:
    if not isinstance(level, int):
        raise InvalidInput(_("An identity level is a whole number."))
    if level <= IdentityLevel.NONE:
        return Q(pk__isnull=False)
    if level <= IdentityLevel.EMAIL:
        return Q(Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)))
    return Q(pk__in=[])  # no higher level can be held yet


def _profiles(council: Council):
    return ResidentProfile.objects.filter(council=council, user=OuterRef("pk"))


def _zone_condition(council: Council, slugs: list[str]) -> Q:
    known = set(Zone.objects.filter(council=council, slug__in=slugs).values_list("slug", flat=True))
    if unknown := set(slugs) - known:
        raise InvalidInput(_("Unknown zone: %(zones)s.") % {"zones": ", ".join(sorted(unknown))})
    return Q(Exists(_profiles(council).filter(zone__slug__in=slugs)))


def boolean_answer(value: Any) -> str:
    """How a yes/no answer is stored: "yes" or "no" (rules may say true, "oui", 1…)."""
    return "yes" if str(value).strip().lower() in ("yes", "true", "1", "oui") else "no"


def _attribute_condition(council: Council, key: str, op: str, value: Any) -> Q:
    attribute = ProfileAttribute.objects.filter(council=council, key=key).first()
    if attribute is None:
        raise InvalidInput(_("Unknown profile attribute: %(key)s.") % {"key": key})
    answers = ProfileValue.objects.filter(
        attribute=attribute, profile__council=council, profile__user=OuterRef("pk")
    )
    if op == "in":
        values = [str(v) for v in _as_list(value)]
        if attribute.kind == ProfileAttribute.Kind.BOOLEAN:
            values = [boolean_answer(v) for v in values]
        return Q(Exists(answers.filter(value__in=values)))
    if op == "between" and attribute.kind == ProfileAttribute.Kind.NUMBER:
        low, high = _pair(value)
        # Only answers that look like numbers are cast: the database may evaluate the
        # cast before any other condition, and a stray text answer must not break it.
        numeric = When(value__regex=r"^-?[0-9]+(\.[0-9]+)?$", then=Cast("value", FloatField()))
        numbers = answers.annotate(number=Case(numeric, default=None, output_field=FloatField()))
        return Q(Exists(numbers.filter(number__gte=low, number__lte=high)))
    raise InvalidInput(_("Operator %(op)s does not apply to %(key)s.") % {"op": op, "key": key})


def _group_condition(council: Council, group_ids: list[Any]) -> Q:
    try:
        ids = [int(g) for g in group_ids]
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("A rule can only name static groups of this council.")) from error
    static = NeighbourhoodGroup.objects.filter(
        council=council, pk__in=ids, kind=NeighbourhoodGroup.Kind.STATIC
    )
    if static.count() != len(set(ids)):
        raise InvalidInput(_("A rule can only name static groups of this council."))
    active = Membership.objects.filter(
        user=OuterRef("pk"), group__in=ids, status=Membership.Status.ACTIVE
    )
    return Q(Exists(active))


def _as_list(value: Any) -> list[Any]:
    values = value if isinstance(value, list) else [value]
    if not values or len(values) > 200:
        raise InvalidInput(_("A condition needs between 1 and 200 values."))
    return values


def _pair(value: Any) -> tuple[float, float]:
    if not (isinstance(value, list) and len(value) == 2):
        raise InvalidInput(_("'between' takes [lowest, highest]."))
    try:
        return float(value[0]), float(value[1])
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("'between' takes two numbers.")) from error


class _Compiler:
    def __init__(self, council: Council) -> None:
        self.council = council
        self.conditions = 0

    def compile(self, rule: Any, depth: int = 0) -> Q:
        if depth > MAX_DEPTH:
            raise InvalidInput(_("The rule is nested too deeply."))
        if not isinstance(rule, dict) or len(rule) == 0:
            raise InvalidInput(_("Each part of a rule is an object."))
        if "all" in rule or "any" in rule:
            parts = rule.get("all", rule.get("any"))
            if not isinstance(parts, list) or not parts:
                raise InvalidInput(_("'all' and 'any' take a non-empty list."))
            compiled = [self.compile(part, depth + 1) for part in parts]
            combined = compiled[0]
            for q in compiled[1:]:
                combined = combined & q if "all" in rule else combined | q
            return combined
        if "not" in rule:
            return ~self.compile(rule["not"], depth + 1)
        return self.condition(rule)

    def condition(self, rule: dict[str, Any]) -> Q:
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise InvalidInput(_("The rule has too many conditions."))
        field, op, value = rule.get("field"), rule.get("op", "in"), rule.get("value")
        if not isinstance(field, str):
            raise InvalidInput(_("A condition names a 'field'."))
        if field.startswith("attribute:"):
            return _attribute_condition(self.council, field.partition(":")[2], op, value)
        if field == "identity_level" and op == "at_least":
            return _identity_condition(self.council, value)
        if op != "in":
            raise InvalidInput(_("Operator %(op)s does not apply to %(field)s.") % {"op": op, "field": field})
        simple = {
            "zone": _zone_condition,
            "role": _role_condition,
            "group": _group_condition,
            **_behaviours,
        }
        if field not in simple:
            raise InvalidInput(_("Unknown field in the rule: %(field)s.") % {"field": field})
        return simple[field](self.council, _as_list(value))


def compile_rule(council: Council, rule: dict[str, Any]) -> Q:
    """Return the Q selecting the council's people who match `rule`; InvalidInput if malformed."""
    return _Compiler(council).compile(rule)
