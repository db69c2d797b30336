"""Writes about councils: role grants (guardian), self-registration and the audit log."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm
from guardian.shortcuts import remove_perm

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.permissions import require_perm
from council.core.realtime import send_event_on_commit
from council.councils import events
from council.councils import tenancy
from council.councils.models import ROLE_GRANTS
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.models import CouncilPage
from council.councils.models import Role
from council.councils.selectors import council_list_for
from council.councils.selectors import role_get


def audit_record(
    *,
    actor: User | None,
    action: AuditEntry.Action,
    target: models.Model | None = None,
    council: Council | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Record an administrative action; call it inside the transaction of the change.

    `council` defaults to the target's (council/councils/tenancy.py). `actor=None` is the
    system (management commands, demo data).
    """
    if council is None and target is not None and tenancy.is_tenant_model(type(target)):
        council = tenancy.council_of(target)
    return AuditEntry.objects.create(
        council=council,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type="" if target is None else target._meta.label_lower,
        target_id=None if target is None else target.pk,
        target_text="" if target is None else str(target)[:200],
        details=dict(details or {}),
    )


def _set_role(council: Council, user, role: Role | None) -> None:
    for grant in ROLE_GRANTS.values():
        remove_perm(f"councils.{grant}", user, council)
    if role is not None:
        assign_perm(f"councils.{ROLE_GRANTS[role]}", user, council)
    _sync_staff_flag(user)
    send_event_on_commit(
        events.user_group(user.pk),
        events.ROLE_CHANGED,
        {"council_id": council.pk, "role": role.value if role else None},
    )


def _sync_staff_flag(user) -> None:
    """Council administrators use the Django admin, limited to their own councils."""
    if user.is_superuser:
        return
    administers = any(
        role_get(user=user, council=c) == Role.ADMINISTRATOR for c in council_list_for(user=user)
    )
    if user.is_staff != administers:
        user.is_staff = administers
        user.save(update_fields=["is_staff"])


@transaction.atomic
def role_grant(*, actor: User | None, council: Council, user, role: Role) -> Role:
    """Give `user` exactly one role in `council`; open sockets re-check their access.

    `actor=None` is the system (management commands, demo data).
    """
    if actor is not None:
        require_perm(actor, "councils.manage_roles", council)
    _set_role(council, user, Role(role))
    _audit_role(actor, council, user, AuditEntry.Action.ROLE_GRANTED, Role(role))
    return Role(role)


@transaction.atomic
def role_revoke(*, actor: User | None, council: Council, user) -> None:
    """Take every role in `council` from `user`; their open sockets there are closed."""
    if actor is not None:
        require_perm(actor, "councils.manage_roles", council)
    _set_role(council, user, None)
    _audit_role(actor, council, user, AuditEntry.Action.ROLE_REVOKED, None)


@transaction.atomic
def council_join(*, actor: User, council: Council) -> Role:
    """Let a signed-in person follow a council that is open to registration."""
    if not actor.has_perm("councils.join_council", council):
        raise AccessDenied("councils.join_council")
    _set_role(council, actor, Role.RESIDENT)
    _audit_role(actor, council, actor, AuditEntry.Action.ROLE_GRANTED, Role.RESIDENT)
    return Role.RESIDENT


@transaction.atomic
def council_page_update(*, actor: User, council: Council, kind: str, body: str, conformity: str = "") -> CouncilPage:
    """Save the text of one of the council's statement pages (administrators only).

    Nothing is broadcast: no socket shows these pages.
    """
    require_perm(actor, "councils.manage_council", council)
    body = body.strip().replace("\r\n", "\n")
    if not body:
        raise ValidationError({"body": _("The page cannot be empty: write its text or keep the default one.")})
    defaults = {"body": body}
    if kind == CouncilPage.Kind.ACCESSIBILITY:
        defaults["conformity"] = CouncilPage.Conformity(conformity or CouncilPage.Conformity.PARTIAL)
    page, _created = CouncilPage.objects.update_or_create(council=council, kind=CouncilPage.Kind(kind), defaults=defaults)
    audit_record(actor=actor, action=AuditEntry.Action.PAGE_CHANGED, target=page, council=council)
    return page
def _audit_role(actor: User | None, council: Council, user, action: AuditEntry.Action, role: Role | None) -> None:
    # The person's name as shown to others, never their e-mail address, as the target's text.
    audit_record(
        actor=actor, action=action, target=user, council=council,
        details={"role": role.value if role else None},
    )


def audit_log_purge(*, ended_before: Any) -> int:
    """Delete the audit log's entries older than `ended_before`: their retention is over
    (council/core/retention.py). Rows deleted."""
    deleted, _rows = AuditEntry.objects.filter(at__lt=ended_before).delete()
    return deleted
