import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models import QuerySet
from django.utils import timezone

from council.accounts.models import FORMER_PARTICIPANT_EMAIL
from council.accounts.models import User
from council.accounts.models import Verification
from council.core import personal_data as pd


@transaction.atomic
def profile_update(
    *, actor: User, display_name: str, preferred_language: str,
    notify_in_app: bool | None = None, notify_by_email: bool | None = None,
) -> User:
    """Change the actor's own profile, and how they hear of what they follow (None: unchanged)."""
    actor.display_name = display_name.strip()
    actor.preferred_language = preferred_language
    if notify_in_app is not None:
        actor.notify_in_app = notify_in_app
    if notify_by_email is not None:
        actor.notify_by_email = notify_by_email
    actor.full_clean(exclude=["password"])
    actor.save(update_fields=["display_name", "preferred_language", "notify_in_app", "notify_by_email"])
    return actor


@transaction.atomic
def verification_record(
    *, user: User, kind: str, council_id: int | None, claims: dict[str, Any]
) -> Verification:
    """Record (or renew) that `user` proved `kind` just now, keeping `claims` as proved."""
    verification, _ = Verification.objects.update_or_create(
        user=user,
        kind=kind,
        council_id=council_id,
        defaults={"claims": claims, "verified_at": timezone.now()},
    )
    return verification


def former_participant() -> User:
    """The account that signs what deleted accounts left for others to read; it cannot log in."""
    user, created = User.objects.get_or_create(
        email=FORMER_PARTICIPANT_EMAIL, defaults={"display_name": "Ancien participant", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _relink(rows: QuerySet, entry: pd.PersonalData, to: User | None, token: str) -> None:
    rows.update(**{entry.person: to}, **{name: value.format(token=token) for name, value in entry.also_set})


_on_deleted: list[Callable[[int], None]] = []
_before_deleted: list[Callable[[int], None]] = []


def before_account_deleted(hook: Callable[[int], None]) -> None:
    """Have `hook(user_id)` run in the deletion's transaction before anything is deleted (what it will touch)."""
    if hook not in _before_deleted:
        _before_deleted.append(hook)


def on_account_deleted(hook: Callable[[int], None]) -> None:
    """Have `hook(user_id)` run in the deletion's transaction (a higher app's sockets, caches)."""
    if hook not in _on_deleted:
        _on_deleted.append(hook)


#: the council's choice for what a person wrote (councils.Council.contributions_on_account_deletion)
_REMOVE_CONTRIBUTIONS = "contributions_on_account_deletion"


@transaction.atomic
def account_delete(*, user: User) -> bool:
    """Delete `user`'s account and personal data, as each app declared; True if the account row was kept.

    Records kept by law or for a vote's audit (policy KEEP) stay exactly as they are, and
    with them the account row they point to, stripped to the name they show: no e-mail, no
    password, inactive. Without such records the row goes too. Ballots are never read nor
    touched: a secret ballot holds no link to its voter.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email == FORMER_PARTICIPANT_EMAIL:
        raise ValueError("the former participant account is not a person's")
    placeholder = former_participant()
    for hook in _before_deleted:
        hook(user.pk)
    token = secrets.token_hex(8)
    kept = False
    for entry in pd.personal_data():
        # the base manager: a default manager may leave rows out (budget ballots' drafts)
        rows = apps.get_model(entry.model)._base_manager.filter(**{entry.person: user})
        if entry.policy == pd.KEEP:
            kept = kept or rows.exists()
        elif entry.policy == pd.DELETE:
            rows.delete()
        elif entry.policy == pd.FORGET:
            _relink(rows, entry, None, token)
        elif entry.policy == pd.CONTRIBUTION:
            removed = {f"{entry.council}__{_REMOVE_CONTRIBUTIONS}": "remove"}
            rows.filter(**removed).delete()
            _relink(rows.exclude(**removed), entry, placeholder, token)
    for hook in _on_deleted:
        hook(user.pk)
    if not kept:
        user.delete()
        return False
    user.email = f"deleted-{token}@council.invalid"
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return True


def inactive_accounts_delete(*, now=None) -> int:
    """Delete the accounts nobody logged into for INACTIVE_ACCOUNT_RETENTION_DAYS; how many went.

    Never a superuser (the instance would lose its operator), nor an account already reduced
    to the records kept by law (inactive). Each deletion is its own transaction: one failing
    leaves the others done.
    """
    days = settings.INACTIVE_ACCOUNT_RETENTION_DAYS
    if not days:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    inactive = User.objects.filter(is_active=True, is_superuser=False).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    ).exclude(email=FORMER_PARTICIPANT_EMAIL)
    deleted = 0
    for user in inactive.iterator():
        account_delete(user=user)
        deleted += 1
    return deleted
