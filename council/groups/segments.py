"""Segment rules: a small JSON language compiled to one SQL query over users.

A rule is a tree: ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": rule}`` or a
condition ``{"field": F, "op": OP, "value": V}`` where F is one of

- ``zone`` (op ``in``: zone slugs),
- ``attribute:<key>`` (op ``in``: any of the values; ``between``: [low, high] for numbers),
- ``role`` (op ``in``: council roles),
- ``verification`` (op ``in``: the person holds any of these verification kinds),
- ``group`` (op ``in``: ids of static groups the person is an active member of),
- ``attended_room`` (op ``in``: ids of rooms the person joined at least once),
- a behaviour registered by a later module with ``register_behaviour`` (op ``in``).

Evaluation is a single query, never a Python loop. Conditions on the profile (zone,
attributes) are gathered into one EXISTS over the person's profile in the council, each
answer condition a semi-join on ProfileValue's (attribute, value, profile) index: a person
has at most one profile per council, so "a profile in zone Z" and "a profile answering A"
is "a profile in Z answering A", and PostgreSQL can build each answer set once (hash or
merge joins) instead of probing every resident's answers one by one. Things the rule names
are looked up first (zone ids, permission ids) so that the planner sees constants it has
statistics for (a join on permission codenames made it guess 1 % of grants, and choose a
nested loop over 100,000 residents).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import and_
from operator import or_
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
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
from council.core.memo import recall
from council.councils.models import ROLE_GRANTS
from council.councils.models import Council
from council.councils.models import Role
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ProfileAttribute
from council.groups.models import ProfileValue
from council.groups.models import ResidentProfile
from council.groups.models import Zone
from council.verifications import requirements

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
    council_type = ContentType.objects.get_for_model(Council)
    # Permission ids rather than a join on codenames: the planner knows how often each id is
    # granted, not which codenames a join would keep. Read once per unit of work (every
    # group_members asks for "has a role in the council").
    permissions = recall(
        ("role_permission_ids", tuple(sorted(codenames))),
        lambda: list(
            Permission.objects.filter(content_type=council_type, codename__in=codenames).values_list("pk", flat=True)
        ),
    )
    grants = UserObjectPermission.objects.filter(
        user=OuterRef("pk"),
        content_type=council_type,
        object_pk=str(council.pk),
        permission__in=permissions,
    )
    return Q(Exists(grants))


def _verification_condition(council: Council, names: list[Any]) -> Q:
    """People holding any of these verification kinds in the council (council/verifications)."""
    try:
        requirement = requirements.parse_requirement({"kinds": names, "mode": requirements.ANY})
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    return requirements.holders(council, requirement)


@dataclass(frozen=True)
class _Part:
    """A compiled part of a rule: a Q over the person's profile in the council, or over users."""

    q: Q
    on_profile: bool


def _on_users(council: Council, part: _Part) -> Q:
    """The people whose profile in the council satisfies `part` (a Q over users)."""
    if not part.on_profile:
        return part.q
    profile = ResidentProfile.objects.filter(council=council, user=OuterRef("pk")).filter(part.q)
    return Q(Exists(profile))


def _zone_condition(council: Council, slugs: list[str]) -> _Part:
    zones = dict(Zone.objects.filter(council=council, slug__in=slugs).values_list("slug", "pk"))
    if unknown := set(slugs) - set(zones):
        raise InvalidInput(_("Unknown zone: %(zones)s.") % {"zones": ", ".join(sorted(unknown))})
    return _Part(Q(zone__in=sorted(zones.values())), on_profile=True)


def boolean_answer(value: Any) -> str:
    """How a yes/no answer is stored: "yes" or "no" (rules may say true, "oui", 1…)."""
    return "yes" if str(value).strip().lower() in ("yes", "true", "1", "oui") else "no"


def _attribute_condition(council: Council, key: str, op: str, value: Any) -> _Part:
    attribute = ProfileAttribute.objects.filter(council=council, key=key).first()
    if attribute is None:
        raise InvalidInput(_("Unknown profile attribute: %(key)s.") % {"key": key})
    answers = ProfileValue.objects.filter(attribute=attribute, profile=OuterRef("pk"))
    if op == "in":
        values = [str(v) for v in _as_list(value)]
        if attribute.kind == ProfileAttribute.Kind.BOOLEAN:
            values = [boolean_answer(v) for v in values]
        return _Part(Q(Exists(answers.filter(value__in=values))), on_profile=True)
    if op == "between" and attribute.kind == ProfileAttribute.Kind.NUMBER:
        low, high = _pair(value)
        # Only answers that look like numbers are cast: the database may evaluate the
        # cast before any other condition, and a stray text answer must not break it.
        numeric = When(value__regex=r"^-?[0-9]+(\.[0-9]+)?$", then=Cast("value", FloatField()))
        numbers = answers.annotate(number=Case(numeric, default=None, output_field=FloatField()))
        return _Part(Q(Exists(numbers.filter(number__gte=low, number__lte=high))), on_profile=True)
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

    def compile(self, rule: Any, depth: int = 0) -> _Part:
        if depth > MAX_DEPTH:
            raise InvalidInput(_("The rule is nested too deeply."))
        if not isinstance(rule, dict) or len(rule) == 0:
            raise InvalidInput(_("Each part of a rule is an object."))
        if "all" in rule or "any" in rule:
            parts = rule.get("all", rule.get("any"))
            if not isinstance(parts, list) or not parts:
                raise InvalidInput(_("'all' and 'any' take a non-empty list."))
            compiled = [self.compile(part, depth + 1) for part in parts]
            return self.combine(compiled, and_ if "all" in rule else or_)
        if "not" in rule:
            # Not "a profile that is not…": someone without a profile is outside every zone.
            return _Part(~_on_users(self.council, self.compile(rule["not"], depth + 1)), on_profile=False)
        return self.condition(rule)

    def combine(self, parts: list[_Part], operator: Callable[[Q, Q], Q]) -> _Part:
        """Join the profile parts into one profile condition, then the rest over users.

        Exact for `all` too because a person has at most one profile in a council.
        """
        on_profile = [part.q for part in parts if part.on_profile]
        on_users = [part.q for part in parts if not part.on_profile]
        if not on_users:
            return _Part(reduce(operator, on_profile), on_profile=True)
        if on_profile:
            on_users.append(_on_users(self.council, _Part(reduce(operator, on_profile), on_profile=True)))
        return _Part(reduce(operator, on_users), on_profile=False)

    def condition(self, rule: dict[str, Any]) -> _Part:
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise InvalidInput(_("The rule has too many conditions."))
        field, op, value = rule.get("field"), rule.get("op", "in"), rule.get("value")
        if not isinstance(field, str):
            raise InvalidInput(_("A condition names a 'field'."))
        if field.startswith("attribute:"):
            return _attribute_condition(self.council, field.partition(":")[2], op, value)
        if op != "in":
            raise InvalidInput(_("Operator %(op)s does not apply to %(field)s.") % {"op": op, "field": field})
        if field == "zone":
            return _zone_condition(self.council, _as_list(value))
        on_users = {
            "role": _role_condition, "group": _group_condition, "verification": _verification_condition,
            **_behaviours,
        }
        if field not in on_users:
            raise InvalidInput(_("Unknown field in the rule: %(field)s.") % {"field": field})
        return _Part(on_users[field](self.council, _as_list(value)), on_profile=False)


def compile_rule(council: Council, rule: dict[str, Any]) -> Q:
    """Return the Q selecting the council's people who match `rule`; InvalidInput if malformed."""
    return _on_users(council, _Compiler(council).compile(rule))
