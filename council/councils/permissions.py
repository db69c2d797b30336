"""Council-level predicates and actions; other apps compose their rules from these."""

import rules
from django.contrib.auth.models import AnonymousUser

from council.accounts.models import User
from council.councils.models import Council
from council.councils.models import Role
from council.councils.selectors import role_get


def council_of(obj) -> Council:
    """Return the council an object belongs to (the object itself for a Council)."""
    return obj if isinstance(obj, Council) else obj.council


def _role_at_least(*accepted: Role):
    @rules.predicate
    def predicate(user: User | AnonymousUser, obj: object) -> bool:
        return obj is not None and role_get(user=user, council=council_of(obj)) in accepted

    return predicate


is_council_administrator = _role_at_least(Role.ADMINISTRATOR)
is_council_facilitator = _role_at_least(Role.ADMINISTRATOR, Role.FACILITATOR)
#: the roles of a council's members (the member role or higher): is_council_member, and the
#: bulk readers that must agree with it (the members in office of an assembly)
MEMBER_ROLES = (Role.ADMINISTRATOR, Role.FACILITATOR, Role.MEMBER)
is_council_member = _role_at_least(*MEMBER_ROLES)
has_council_role = _role_at_least(*Role)


@rules.predicate
def council_registration_is_open(user: User | AnonymousUser, council: Council | None) -> bool:
    return council is not None and council.open_registration


rules.add_perm("councils.view_council", rules.always_allow)
rules.add_perm(
    "councils.join_council",
    rules.is_authenticated & council_registration_is_open & ~has_council_role,
)
rules.add_perm("councils.manage_council", is_council_administrator)
rules.add_perm("councils.manage_roles", is_council_administrator)
rules.add_perm("councils.view_audit", is_council_administrator)
