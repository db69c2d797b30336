"""Moderators' writes: hide with a reason, answer officially, set a status, merge duplicates.

The same shape as services.py (whose helpers they share): the rule asked first
(consultation.moderate_consultation), the row locked, the change announced after commit.
An official answer and a change of status are also told to the contribution's followers, in
the app and by e-mail as each of them chose, through groups' notifications (`followers_notify`).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.consultation import events
from council.consultation import permissions as perms
from council.consultation import selectors
from council.consultation.models import MAX_ANSWER_CHARS
from council.consultation.models import MAX_REASON_CHARS
from council.consultation.models import AbuseReport
from council.consultation.models import Comment
from council.consultation.models import Contribution
from council.consultation.models import Endorsement
from council.consultation.models import Follow
from council.consultation.services import announce_changed
from council.consultation.services import announce_removed
from council.consultation.services import contribution_for_write
from council.consultation.services import count_again
from council.consultation.services import count_change
from council.consultation.services import plain_text
from council.consultation.services import require_visible
from council.consultation.services import require_with_reason
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.realtime import send_event_on_commit
from council.groups.notifications import notification_send_to_audience

FOLLOWERS = "consultation.contribution_followers"

Status = Contribution.Status

def _moderated(actor: User, contribution_id: int) -> Contribution:
    contribution = contribution_for_write(actor, contribution_id)
    require_with_reason(actor, perms.MODERATE, contribution.consultation, contribution.consultation)
    return contribution


def _reason(reason: str) -> str:
    return plain_text(
        reason, limit=MAX_REASON_CHARS, empty=_("Say why."),
        too_long=_("The reason is too long (%(count)d characters; at most %(max)d)."),
    )


@transaction.atomic
def contribution_hide(*, actor: User, contribution_id: int, reason: str) -> Contribution:
    """Hide a contribution from everyone, saying why (its author and the moderators read the reason)."""
    contribution = _moderated(actor, contribution_id)
    if contribution.merged_into_id is not None:
        raise InvalidInput(_("This contribution was merged into another one."))
    was_visible = contribution.is_visible
    contribution.hidden = True
    contribution.hidden_reason = _reason(reason)
    contribution.save(update_fields=["hidden", "hidden_reason"])
    AbuseReport.objects.filter(contribution=contribution, comment=None, resolved_at=None).update(resolved_at=timezone.now())
    if was_visible:
        announce_removed(contribution, "hidden")
    return contribution


@transaction.atomic
def contribution_answer(*, actor: User, contribution_id: int, answer: str) -> Contribution:
    """Give (or change) the official answer; its followers will read who answered and when."""
    contribution = _moderated(actor, contribution_id)
    require_visible(contribution)
    before = contribution.answer
    contribution.answer = plain_text(
        answer, limit=MAX_ANSWER_CHARS, empty=_("Write the answer."),
        too_long=_("The answer is too long (%(count)d characters; at most %(max)d)."),
    )
    contribution.answered_by = actor
    contribution.answered_at = timezone.now()
    contribution.save(update_fields=["answer", "answered_by", "answered_at"])
    announce_changed(contribution)
    if contribution.answer != before:
        followers_notify(actor, contribution, answered=True)
    return contribution


@transaction.atomic
def contribution_set_status(*, actor: User, contribution_id: int, status: str, reason: str = "") -> Contribution:
    """Set the status residents follow; a rejection says why."""
    contribution = _moderated(actor, contribution_id)
    require_visible(contribution)
    if status not in Status.values:
        raise InvalidInput(_("Choose one of the statuses."))
    reason = reason.strip()
    if status == Status.REJECTED and not reason:
        raise InvalidInput(_("Say why the contribution is rejected."))
    if len(reason) > MAX_ANSWER_CHARS:
        raise InvalidInput(_("The reason is too long (%(count)d characters; at most %(max)d).") % {"count": len(reason), "max": MAX_ANSWER_CHARS})
    changed = (status, reason) != (contribution.status, contribution.status_reason)
    contribution.status = status
    contribution.status_reason = reason
    contribution.save(update_fields=["status", "status_reason"])
    announce_changed(contribution)
    if changed:
        followers_notify(actor, contribution, answered=False)
    return contribution


def followers_notify(actor: User, contribution: Contribution, *, answered: bool) -> None:
    """Tell the contribution's followers (but the moderator) of its answer or status, once this commits.

    Through groups' notifications: one text for all, in the site's language (as the council writes).
    """
    with translation.override(settings.LANGUAGE_CODE):
        if answered:
            subject = _("Official answer to “%(title)s”") % {"title": contribution.title}
            body = contribution.answer
        else:
            label = contribution.get_status_display()
            subject = _("“%(title)s”: %(status)s") % {"title": contribution.title, "status": label}
            body = _("The status of the contribution is now: %(status)s.") % {"status": label}
            body = f"{body}\n\n{contribution.status_reason}" if contribution.status_reason else body
    notification_send_to_audience(
        actor=actor, council=contribution.consultation.council, audience=FOLLOWERS, key=contribution.pk,
        subject=subject[:200], body=body, link=selectors.contribution_url(contribution),
    )


@transaction.atomic
def contribution_merge(*, actor: User, contribution_id: int, into_id: int) -> Contribution:
    """Fold a duplicate into another contribution of the same consultation.

    Its endorsements follow (one per person: who supported both counts once), and so do its
    comments, follows and reports; contributions merged into it before now point to the target.
    Locks both rows in id order. Emits contribution_removed (the duplicate) and contribution_changed
    (the target, with its new counts).
    """
    if contribution_id == into_id:
        raise InvalidInput(_("A contribution cannot be merged into itself."))
    first, second = sorted((contribution_id, into_id))
    locked = {c.pk: c for c in (_moderated(actor, first), _moderated(actor, second))}
    duplicate, target = locked[contribution_id], locked[into_id]
    if duplicate.consultation_id != target.consultation_id:
        raise InvalidInput(_("Only contributions of the same consultation can be merged."))
    require_visible(duplicate)
    require_visible(target)
    supporters = Endorsement.objects.filter(contribution=target).values("user_id")
    Endorsement.objects.filter(contribution=duplicate).exclude(user_id__in=supporters).update(contribution=target)
    Endorsement.objects.filter(contribution=duplicate).delete()
    followers = Follow.objects.filter(contribution=target).values("user_id")
    Follow.objects.filter(contribution=duplicate).exclude(user_id__in=followers).update(contribution=target)
    Follow.objects.filter(contribution=duplicate).delete()
    Comment.objects.filter(contribution=duplicate).update(contribution=target)
    AbuseReport.objects.filter(contribution=duplicate).exclude(comment=None).update(contribution=target)
    Contribution.objects.filter(merged_into=duplicate).update(merged_into=target)
    duplicate.merged_into = target
    duplicate.save(update_fields=["merged_into"])
    count_again(duplicate.pk)
    count_again(target.pk)
    announce_removed(duplicate, "merged")
    announce_changed(target)
    return target


@transaction.atomic
def comment_hide(*, actor: User, comment_id: int, reason: str) -> Comment:
    """Hide a comment from everyone, saying why; its replies stay. Emits consultation.comment_hidden."""
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise AccessDenied(perms.MODERATE)
    contribution = contribution_for_write(actor, comment.contribution_id, lock=False)
    require_with_reason(actor, perms.MODERATE, contribution.consultation, contribution.consultation)
    was_hidden = comment.hidden
    comment.hidden = True
    comment.hidden_reason = _reason(reason)
    comment.save(update_fields=["hidden", "hidden_reason"])
    AbuseReport.objects.filter(comment=comment, resolved_at=None).update(resolved_at=timezone.now())
    if not was_hidden:
        count_change(contribution.pk, comments=-1)
        send_event_on_commit(
            events.consultation_group(contribution.consultation_id),
            events.COMMENT_HIDDEN,
            {
                "consultation_id": contribution.consultation_id,
                "contribution_id": contribution.pk,
                "comment_id": comment.pk,
                "comments": selectors.comment_count(contribution.pk),
            },
        )
    return comment
