"""Reads about councils and the roles people hold in them."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from guardian.models import UserObjectPermission

from council.accounts.models import User
from council.core.memo import known
from council.core.memo import recall
from council.core.memo import recall_each
from council.core.memo import remember
from council.core.process_cache import person_fact
from council.councils.legal_pages import default_body
from council.councils.models import ROLE_BY_GRANT
from council.councils.models import ROLE_RANK
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.models import CouncilPage
from council.councils.models import Role

ROLE = person_fact("role")  # kept per process until a role changes (council/core/process_cache.py)


def _role_grants(council: Council) -> QuerySet[UserObjectPermission]:
    return UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Council),
        object_pk=str(council.pk),
        permission__codename__in=ROLE_BY_GRANT.keys(),
    )


def _highest(codenames: Iterable[str]) -> Role | None:
    roles = {ROLE_BY_GRANT[c] for c in codenames}
    return next((role for role in ROLE_RANK if role in roles), None)


def role_get(*, user: User | AnonymousUser, council: Council) -> Role | None:
    """Return the user's role in the council, or None; one query."""
    if not user.is_authenticated:
        return None

    def read() -> Role | None:
        codenames = _role_grants(council).filter(user_id=user.pk).values_list(
            "permission__codename", flat=True
        )
        return _highest(codenames)

    return recall(_role_key(user.pk, council.pk), read)


def _role_key(user_id: int, council_id: int) -> tuple:
    return (ROLE, user_id, council_id)


def roles_remember(*, council: Council, user_ids: Iterable[int]) -> None:
    """Read many people's roles in one query for the rules to recall (council/core/memo.py)."""
    user_ids = [user_id for user_id in user_ids if not known(_role_key(user_id, council.pk))]
    if not user_ids:
        return
    roles = roles_of(council=council, user_ids=user_ids)
    for user_id in user_ids:
        remember(_role_key(user_id, council.pk), roles.get(user_id))


def roles_of(*, council: Council, user_ids: Iterable[int]) -> dict[int, Role]:
    """Return {user_id: role} for many people in one query."""
    by_user: dict[int, list[str]] = {}
    rows = _role_grants(council).filter(user_id__in=list(user_ids))
    for user_id, codename in rows.values_list("user_id", "permission__codename"):
        by_user.setdefault(user_id, []).append(codename)
    return {uid: role for uid, codes in by_user.items() if (role := _highest(codes))}


def roles_recalled(*, council: Council, user_ids: Iterable[int]) -> dict[int, Role]:
    """roles_of, reading only the roles not yet known in this unit of work (role_get's memo).

    A socket's connect asks the person's role for its rights, then again among the people
    present and among the members in office: one read each time was one query each time.
    """
    roles = recall_each(
        user_ids,
        key=lambda user_id: _role_key(user_id, council.pk),
        read=lambda missing: roles_of(council=council, user_ids=missing),
    )
    return {user_id: role for user_id, role in roles.items() if role is not None}


def member_list(*, council: Council) -> list[tuple[int, Role]]:
    """Return (user_id, role) for everyone holding a role, highest role first."""
    roles = roles_of(
        council=council, user_ids=_role_grants(council).values_list("user_id", flat=True)
    )
    return sorted(roles.items(), key=lambda item: (ROLE_RANK.index(item[1]), item[0]))


def _grants_of(user: User, roles: Iterable[Role] | None = None) -> QuerySet[UserObjectPermission]:
    """The user's role grants on councils (any council), of `roles` or of every role."""
    codenames = ROLE_BY_GRANT.keys() if roles is None else [c for c, r in ROLE_BY_GRANT.items() if r in roles]
    return UserObjectPermission.objects.filter(
        user_id=user.pk, content_type=ContentType.objects.get_for_model(Council), permission__codename__in=codenames
    )


def council_list_for(*, user: User | AnonymousUser) -> QuerySet[Council]:
    """Return the councils where the user holds a role."""
    if not user.is_authenticated:
        return Council.objects.none()
    council_ids = _grants_of(user).values_list("object_pk", flat=True)
    return Council.objects.filter(pk__in=[int(pk) for pk in council_ids])


def holds_role_anywhere(*, user: User | AnonymousUser, roles: Iterable[Role]) -> bool:
    """Whether the user holds one of `roles` in some council; one query."""
    return user.is_authenticated and _grants_of(user, roles).exists()


def council_page_get(*, council: Council, kind: str) -> CouncilPage:
    """The council's page of this kind; an unsaved one with the default text if never edited."""
    page = CouncilPage.objects.filter(council=council, kind=kind).first()
    return page or CouncilPage(council=council, kind=kind, body=default_body(kind, council.name))


def accessibility_status(*, council: Council) -> str:
    """The conformity status the footer of every page states (RGAA obligation)."""

    saved = CouncilPage.objects.filter(council=council, kind=CouncilPage.Kind.ACCESSIBILITY).first()
    return CouncilPage.Conformity(saved.conformity if saved else CouncilPage.Conformity.PARTIAL).label
def people_in(*, councils: Iterable[Council]) -> QuerySet:
    """Return the people holding a role in any of `councils` (users are instance-wide)."""
    from django.contrib.auth import get_user_model

    council_pks = [str(c.pk) for c in councils]
    holders = UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Council),
        object_pk__in=council_pks,
        permission__codename__in=ROLE_BY_GRANT.keys(),
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=holders)


def audit_entries(*, council: Council) -> QuerySet[AuditEntry]:
    """Return the council's audit log, newest first, with who did each action."""
    return AuditEntry.objects.filter(council=council).select_related("actor").order_by("-at", "-pk")
