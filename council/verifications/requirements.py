"""A requirement: `{"kinds": [...], "mode": "any" | "all"}`, one validator and one check.

An empty object requires nothing. "any": one of the kinds suffices (a census check or a code
from the council both prove residence); "all": every kind is needed (FranceConnect and the
census: who they are and that they live here).
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import BooleanField
from django.db.models import ExpressionWrapper
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.memo import recall
from council.councils.models import Council
from council.verifications import kinds

ANY = "any"
ALL = "all"


@dataclass(frozen=True)
class Requirement:
    kinds: tuple[str, ...] = ()
    mode: str = ANY

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def as_json(self) -> dict[str, Any]:
        return {"kinds": list(self.kinds), "mode": self.mode} if self.kinds else {}

    def met_by(self, held: set[str]) -> bool:
        if not self.kinds:
            return True
        found = [kind in held for kind in self.kinds]
        return all(found) if self.mode == ALL else any(found)

    def describe(self) -> str:
        """"FranceConnect or census check", "FranceConnect and census check"."""
        labels = [kinds.label(kind) for kind in self.kinds]
        if len(labels) < 2:
            return "".join(labels)
        return str(requirement_strings()[self.mode] % {"first": ", ".join(labels[:-1]), "last": labels[-1]})


def requirement_strings() -> dict[str, Any]:
    """The words `Requirement.describe` uses, for a page's script to describe a requirement it
    receives as data (frontend/src/verifications/requirement.js): an event reaches people of
    several languages, so it carries the kinds, and each page words them in its own."""
    return {"kinds": dict(kinds.choices()), ALL: _("%(first)s and %(last)s"), ANY: _("%(first)s or %(last)s")}


def parse_requirement(value: Any) -> Requirement:
    """The requirement `value` states; ValidationError if it is not one."""
    if value in (None, {}):
        return Requirement()
    if not isinstance(value, dict) or set(value) != {"kinds", "mode"}:
        raise ValidationError(_('A requirement is {"kinds": [...], "mode": "any" or "all"}.'), code="invalid")
    names, mode = value["kinds"], value["mode"]
    if mode not in (ANY, ALL):
        raise ValidationError(_('The mode of a requirement is "any" or "all".'), code="invalid")
    if not isinstance(names, list) or not names or len(set(map(str, names))) != len(names):
        raise ValidationError(_("A requirement names one kind or more, each once."), code="invalid")
    unknown = [name for name in names if not isinstance(name, str) or kinds.get(name) is None]
    if unknown:
        raise ValidationError(
            _("Unknown verification: %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))}, code="invalid"
        )
    return Requirement(kinds=tuple(names), mode=mode)


def check_offered(council: Council, requirement: Requirement, kept: tuple[str, ...] = ()) -> None:
    """ValidationError unless `council` offers every kind `requirement` names.

    `kept`: kinds the thing already required, accepted even if no longer offered (a census
    list removed must not make the form refuse to save anything else).
    """
    offered = {kind.key for kind in kinds.offered(council)}
    missing = [name for name in requirement.kinds if name not in offered and name not in kept]
    if missing:
        raise ValidationError(
            _("This council does not offer these verifications: %(kinds)s.")
            % {"kinds": ", ".join(kinds.label(name) for name in missing)},
            code="invalid",
        )


def offered_requirement(council: Council, value: Any, kept: Any = None) -> dict[str, Any]:
    """`value` as stored, once checked: a requirement, of kinds `council` offers or `kept` named.

    For the services that take a requirement from a form or a socket (the form checked it
    too; a forged post or command is refused the same way).
    """
    requirement = parse_requirement(value)
    check_offered(council, requirement, parse_requirement(kept or {}).kinds)
    return requirement.as_json()


def validate_requirement(value: Any) -> None:
    """The model field's validator."""
    parse_requirement(value)


def requirement_of(obj: Any) -> Requirement:
    """The requirement a room, poll, vote, budget or consultation carries (stored valid)."""
    return parse_requirement(getattr(obj, "verification_requirement", None) or {})


def holders(council: Council, requirement: Requirement) -> Q:
    """A Q over users selecting those who meet `requirement` in `council` (segments use it)."""
    parts = [kinds.get(kind).holders(council) for kind in requirement.kinds]  # type: ignore[union-attr]
    if not parts:
        return Q(pk__isnull=False)
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part if requirement.mode == ALL else combined | part
    return combined


def held_kinds(user: User | AnonymousUser, council: Council, names: tuple[str, ...]) -> set[str]:
    """Which of `names` the person holds in `council`: one query."""
    if not user.is_authenticated or not names:
        return set()
    flags = {
        f"holds_{index}": ExpressionWrapper(kinds.get(name).holders(council), output_field=BooleanField())  # type: ignore[union-attr]
        for index, name in enumerate(names)
    }
    row = User.objects.filter(pk=user.pk).annotate(**flags).values(*flags).first() or {}
    return {name for index, name in enumerate(names) if row.get(f"holds_{index}")}


def held_in_council(user: User | AnonymousUser, council: Council) -> set[str]:
    """Every kind the person holds in `council`, read once per unit of work (council/core/memo.py):
    a page asking about many things of one council (a list of petitions) reads them once."""
    if not user.is_authenticated:
        return set()
    names = tuple(kind.key for kind in kinds.all_kinds())
    return recall(("verifications.held", user.pk, council.pk), lambda: held_kinds(user, council, names))


def is_met(user: User | AnonymousUser, council: Council, requirement: Requirement) -> bool:
    """Whether the person meets it: no query when nothing is required."""
    return not requirement or requirement.met_by(held_kinds(user, council, requirement.kinds))


def obtain_url(council: Council, requirement: Requirement, next_url: str = "") -> str:
    """The page where a person obtains what `requirement` asks, then comes back to `next_url`."""
    url = reverse("verification-obtain", kwargs={"council_slug": council.slug})
    query = {"kinds": ",".join(requirement.kinds), "mode": requirement.mode}
    if next_url.startswith("/") and not next_url.startswith("//"):
        query["next"] = next_url
    return f"{url}?{urlencode(query)}"


def verification_link(user: User | AnonymousUser, obj: Any, next_url: str = "") -> str:
    """For a page: where a signed-in person obtains what `obj` requires, if they lack it ("" otherwise)."""
    requirement = requirement_of(obj)
    if not requirement or not user.is_authenticated or is_met(user, obj.council, requirement):
        return ""
    return obtain_url(obj.council, requirement, next_url)


class VerificationRequired(AccessDenied):
    """The person may take part once verified: the error names what is missing and links to it."""

    code = "verification_required"

    def __init__(self, council: Council, requirement: Requirement, next_url: str = "") -> None:
        # lazy: told in the language of whoever reads it (the socket's person), not where raised
        message = lazy(
            lambda: _("This requires a verification: %(kinds)s. You can obtain it on the page linked.")
            % {"kinds": requirement.describe()},
            str,
        )()
        super().__init__(message, code="verification_required")
        self.link = obtain_url(council, requirement, next_url)
        self.requirement = requirement


def require_verified(
    user: User | AnonymousUser, council: Council, obj: Any, next_url: str = ""
) -> tuple[Requirement, set[str]]:
    """Raise VerificationRequired unless `user` meets what `obj` requires.

    Returns the requirement and the kinds of it the person holds (for the use log); no
    query when nothing is required.
    """
    requirement = requirement_of(obj)
    if not requirement:
        return requirement, set()
    held = held_kinds(user, council, requirement.kinds)
    if not requirement.met_by(held):
        raise VerificationRequired(council, requirement, next_url)
    return requirement, held
