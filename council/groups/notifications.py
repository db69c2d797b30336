"""Notifying a group or segment, or an audience a module registers: in the app, and by e-mail through Celery.

An audience is who a module says should hear of something: the followers of a consultation's
contribution hear of its official answer and status (`register_audience`, called from the
module's `AppConfig.ready`; groups never imports the modules above it). Audience sends follow
each person's own setting (`User.notify_in_app`, `User.notify_by_email`, on the profile page)
and never reach the person who caused them; a group's messages, sent deliberately by its
organisers, reach all its members as before.

A send is created by `notification_send_create` (or `notification_send_for`, as rooms' invitations do), committed, then
delivered by the Celery task `notification_send_deliver`, which calls
`notification_send_process`. Delivery is idempotent and survives a killed worker:

- people get one `Notification` row each (unique on send and person, inserted with
  ``ignore_conflicts``), so a re-run adds nobody twice;
- an e-mail goes only to rows whose ``emailed_at`` is empty, and ``emailed_at`` is
  written every few messages (`EMAIL_RECORD_EVERY`); a worker killed between handing
  messages to the mail server and recording them sends at most those few again, since
  SMTP cannot be made atomic with the database;
- one run at a time per send (a PostgreSQL advisory lock, released by the database
  if the worker dies), so a task delivered twice never runs twice at once.

Progress (``groups.notification_progressed`` to `events.send_group`) is broadcast after
each chunk; `send_progress` gives the same figures to pages that poll.

Reads about notifications (`send_progress`, `notification_list_for`, `unread_count`) are
at the end of this module, beside the writes they follow.
"""

import logging
import re
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMessage
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Q
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.permissions import require_perm
from council.core.realtime import send_event_on_commit
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.services import audit_record
from council.groups import events
from council.groups.models import NeighbourhoodGroup
from council.groups.models import Notification
from council.groups.models import NotificationSend
from council.groups.selectors import group_members

logger = logging.getLogger(__name__)

#: people handled per step: one INSERT, one mail-server connection, one progress event
CHUNK_SIZE = 1000
#: e-mails handed to the server between two writes of `emailed_at` (at most this many
#: can go out twice if the worker is killed while sending)
EMAIL_RECORD_EVERY = 20
SUBJECT_MAX = 200
BODY_MAX = 10_000
#: first key of the advisory locks taken while a send is delivered (the second is its id)
_LOCK_NAMESPACE = 0x4E07


class SendBusy(Exception):
    """Another run of the same send holds it; the task retries later."""


@dataclass(frozen=True)
class Audience:
    #: the people it reaches, given the send's key (a contribution's id): a query of users
    recipients: Callable[[int], QuerySet[User]]
    #: why they receive it, for the e-mail's footer ("%(council)s" is the council's name)
    reason: str | Promise


_AUDIENCES: dict[str, Audience] = {}


def register_audience(name: str, *, recipients: Callable[[int], QuerySet[User]], reason: str | Promise) -> None:
    """Declare an audience modules may notify by name ("consultation.contribution_followers")."""
    _AUDIENCES[name] = Audience(recipients=recipients, reason=reason)


def absolute_url(council: Council, path: str, base_url: str | None = None) -> str:
    """A link for an e-mail: on the council's own host name, else `base_url` or SITE_URL."""
    if council.host_name:
        return f"https://{council.host_name}{path}"
    base = base_url or getattr(settings, "SITE_URL", "") or "http://localhost:8000"
    return base.rstrip("/") + path


_SPACES = re.compile(r"[^\S\u00a0\u202f]+")


def _clean(subject: str, body: str) -> tuple[str, str]:
    # One line (no header injection), but French non-breaking spaces (« », before : ; ! ?) kept.
    subject = _SPACES.sub(" ", subject or "").strip()
    body = (body or "").strip()
    if not subject:
        raise InvalidInput(_("Give the message a subject."))
    if not body:
        raise InvalidInput(_("Write the message."))
    if len(subject) > SUBJECT_MAX:
        raise InvalidInput(_("The subject is too long (%(limit)d characters at most).") % {"limit": SUBJECT_MAX})
    if len(body) > BODY_MAX:
        raise InvalidInput(_("The message is too long (%(limit)d characters at most).") % {"limit": BODY_MAX})
    return subject, body


def _enqueue(send: NotificationSend) -> None:
    from council.groups.tasks import notification_send_deliver

    send_id = send.pk
    transaction.on_commit(lambda: notification_send_deliver.delay(send_id))


@transaction.atomic
def notification_send_create(
    *, actor: User, group: NeighbourhoodGroup, subject: str, body: str, by_email: bool = True
) -> NotificationSend:
    """Record a message to everyone in `group`; delivery starts once this commits."""
    require_perm(actor, "groups.notify_group", group)
    return _send_create(actor=actor, group=group, subject=subject, body=body, by_email=by_email)


def notification_send_for(*, actor: User, group, subject, body, by_email) -> NotificationSend:
    """Record a message to `group` on behalf of a module that checked its own permission
    (rooms' invitations ask rooms.moderate_room); delivery starts once this commits."""
    return _send_create(actor=actor, group=group, subject=subject, body=body, by_email=by_email)


def notification_send_to_audience(
    *, actor: User, council: Council, audience: str, key: int, subject: str, body: str, link: str = ""
) -> NotificationSend:
    """Record a message to a registered audience on behalf of a module that checked its own
    permission (consultation's moderators answering a contribution); delivery starts once this
    commits, to each person as their settings say, the actor excepted."""
    if audience not in _AUDIENCES:
        raise KeyError(f"no audience registered as {audience!r}")
    subject, body = _clean(subject, body)
    send = NotificationSend(
        council=council, audience=audience, audience_key=key, link=link, subject=subject, body=body, by_email=True,
        sender=actor if getattr(actor, "is_authenticated", False) else None,
    )
    send.total = len(_recipients(send))
    send.save()
    _enqueue(send)
    return send


def _recipients(send: NotificationSend) -> list[int]:
    """Who the send reaches now: the group's members, or the audience that wants to hear."""
    if send.group_id is not None:
        return list(group_members(send.group).values_list("pk", flat=True))
    people = _AUDIENCES[send.audience].recipients(send.audience_key or 0)
    people = people.filter(Q(notify_in_app=True) | Q(notify_by_email=True)).exclude(pk=send.sender_id)
    return list(people.values_list("pk", flat=True))


def _send_create(*, actor: User, group, subject, body, by_email) -> NotificationSend:
    subject, body = _clean(subject, body)
    send = NotificationSend.objects.create(
        council=group.council,
        group=group,
        sender=actor if getattr(actor, "is_authenticated", False) else None,
        subject=subject,
        body=body,
        by_email=by_email,
        total=group_members(group).count(),
    )
    audit_record(
        actor=actor, action=AuditEntry.Action.NOTIFICATION_SENT, target=group,
        details={"subject": send.subject, "recipients": send.total, "by_email": send.by_email},
    )
    _enqueue(send)
    return send


@transaction.atomic
def notification_mark_read(*, actor: User, notification_id: int) -> Notification:
    """Mark one of the person's own notifications as read (someone else's: AccessDenied)."""
    notification = Notification.objects.select_for_update().filter(
        pk=notification_id, user_id=actor.pk if actor.is_authenticated else None
    ).first()
    if notification is None:
        raise AccessDenied("groups.read_notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


# Delivery (run by the Celery task) ------------------------------------------------------


def _try_lock(send_id: int) -> bool:
    if db_connection.vendor != "postgresql":
        return True
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, send_id])
        return cursor.fetchone()[0]


def _unlock(send_id: int) -> None:
    if db_connection.vendor == "postgresql":
        with db_connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, send_id])


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def notification_send_process(*, send_id: int, chunk_size: int = CHUNK_SIZE) -> NotificationSend | None:
    """Deliver a send: in-app rows, then e-mails, chunk by chunk; safe to run again.

    Raises SendBusy if another run of the same send is under way.
    """
    send = NotificationSend.objects.select_related("council", "group").filter(pk=send_id).first()
    if send is None or send.status == NotificationSend.Status.DONE:
        return send
    if not _try_lock(send_id):
        raise SendBusy(send_id)
    try:
        return _deliver(send, chunk_size)
    finally:
        _unlock(send_id)


def _deliver(send: NotificationSend, chunk_size: int) -> NotificationSend:
    # Everyone in the group now, plus anyone an earlier, interrupted run already reached.
    members = set(_recipients(send))
    reached = set(Notification.objects.filter(send=send).values_list("user_id", flat=True))
    recipients = sorted(members | reached)
    # Audience sends: a copy in the app only for those who want one (the row records the e-mail).
    hidden = set() if send.group_id else set(
        User.objects.filter(pk__in=members, notify_in_app=False).values_list("pk", flat=True)
    )
    send.total = len(recipients)
    send.status = NotificationSend.Status.SENDING
    send.save(update_fields=["total", "status"])
    done = _done(send).count()
    _progress(send, done)
    for chunk in _chunks(recipients, chunk_size):
        with transaction.atomic():
            Notification.objects.bulk_create(
                [Notification(send=send, user_id=user_id, in_app=user_id not in hidden) for user_id in chunk],
                ignore_conflicts=True,
            )
        if send.by_email:
            done += _email_chunk(send, chunk)
        else:
            done = _done(send).count()
        _progress(send, done)
    send.status = NotificationSend.Status.DONE
    send.save(update_fields=["status"])
    _progress(send, _done(send).count())
    return send


def _done(send: NotificationSend) -> QuerySet[Notification]:
    rows = Notification.objects.filter(send=send)
    return rows.filter(emailed_at__isnull=False) if send.by_email else rows


def _email_chunk(send: NotificationSend, chunk: list[int]) -> int:
    """E-mail the chunk's people not yet e-mailed, over one connection; return how many."""
    rows = list(
        Notification.objects.filter(send=send, user_id__in=chunk, emailed_at__isnull=True)
        .select_related("user")
        .order_by("user_id")
    )
    if not rows:
        return 0
    council = send.council
    assert council is not None  # set on every send (migration groups 0003 filled the older ones)
    link = absolute_url(council, reverse("notification-list", kwargs={"council_slug": council.slug}))
    pending: list[int] = []
    sent = 0
    mail = get_connection()
    mail.open()
    try:
        for row in rows:
            # Without an address, or not wanted by e-mail, the in-app copy is all there is.
            if row.user.email and (send.group_id is not None or row.user.notify_by_email):
                mail.send_messages([_email(send, row, council, link)])
            pending.append(row.pk)
            if len(pending) >= EMAIL_RECORD_EVERY:
                sent += _record_emailed(pending)
                pending = []
    finally:
        sent += _record_emailed(pending)  # what went out before an error is not sent again
        mail.close()
    return sent


def _record_emailed(ids: list[int]) -> int:
    if not ids:
        return 0
    return Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=timezone.now())


def _email(send: NotificationSend, row: Notification, council: Council, link: str) -> EmailMessage:
    language = getattr(row.user, "preferred_language", "") or settings.LANGUAGE_CODE
    body = send.body
    if send.link:
        body = f"{body}\n\n{absolute_url(council, send.link)}"
    with translation.override(language):
        if send.group is not None:
            footer = _(
                "You receive this message as one of the people of “%(group)s” in %(council)s.\n"
                "Your notifications: %(link)s"
            ) % {"group": send.group.name, "council": council.name, "link": link}
        else:
            settings_link = absolute_url(council, reverse("profile"))
            footer = str(_AUDIENCES[send.audience].reason) % {"council": council.name} + "\n" + _(
                "Your notifications: %(link)s\nChoose how you hear of what you follow: %(settings)s"
            ) % {"link": link, "settings": settings_link}
    domain = council.host_name or "council.local"
    return EmailMessage(
        subject=send.subject,
        body=f"{body}\n\n-- \n{footer}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.user.email],
        headers={"Message-ID": f"<notification.{row.pk}@{domain}>"},
    )


def _progress(send: NotificationSend, done: int) -> None:
    send_event_on_commit(events.send_group(send.pk), events.NOTIFICATION_PROGRESSED, _figures(send, done))


def _figures(send: NotificationSend, done: int) -> dict[str, Any]:
    return {"send_id": send.pk, "done": done, "total": send.total, "status": str(send.status)}


# Reads ------------------------------------------------------------------------------------


def send_progress(send: NotificationSend) -> dict[str, Any]:
    """How far a send is: {send_id, done, total, status}, as the progress events say."""
    return _figures(send, _done(send).count())


def notification_list_for(*, user: User | AnonymousUser, council: Council) -> QuerySet[Notification]:
    """The person's in-app notifications in this council, newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return (
        Notification.objects.filter(user=user, send__council=council, in_app=True)
        .select_related("send", "send__group", "send__sender")
        .order_by("-created_at", "-pk")
    )


def unread_count(*, user: User | AnonymousUser, council: Council) -> int:
    return notification_list_for(user=user, council=council).filter(read_at__isnull=True).count()
