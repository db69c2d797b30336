"""Writes of consultations by the council's people (moderators' writes: moderation.py): typed values in,
rules asked, events sent after commit.

Every change anyone may read is announced to the consultation's group (events.py) once
committed. Endorsements are not announced here: the caller asks for a coalesced count once the
endorsement is committed (live.py), so a burst of support sends one count per interval.
"""

from collections.abc import Callable
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.consultation import events
from council.consultation import markers
from council.consultation import permissions as perms
from council.consultation import selectors
from council.consultation.models import MAX_BODY_CHARS
from council.consultation.models import MAX_COMMENT_CHARS
from council.consultation.models import MAX_COMMENT_DEPTH
from council.consultation.models import MAX_IMAGE_DESCRIPTION_CHARS
from council.consultation.models import MAX_REASON_CHARS
from council.consultation.models import MAX_TITLE_CHARS
from council.consultation.models import AbuseReport
from council.consultation.models import Category
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import Endorsement
from council.consultation.models import Follow
from council.consultation.models import Language
from council.consultation.models import Phase
from council.consultation.models import origin_list
from council.consultation.models import validate_origins
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.images import image_checked
from council.core.memo import remembered
from council.core.realtime import send_event_on_commit
from council.councils.models import Council
from council.groups.models import NeighbourhoodGroup
from council.verifications.requirements import VerificationRequired
from council.verifications.requirements import requirement_of

Status = Contribution.Status


# -- helpers


def plain_text(value: str, *, limit: int, empty: str, too_long: str) -> str:
    """Plain text, trimmed; refused when empty (if `empty` says so) or longer than `limit`."""
    value = (value or "").strip()
    if not value and empty:
        raise InvalidInput(empty)
    if len(value) > limit:
        raise InvalidInput(too_long % {"count": len(value), "max": limit})
    return value


def require_with_reason(actor: Any, perm: str, obj: Any, consultation: Consultation) -> None:
    """Raise AccessDenied with the reason in words (phase, eligibility…) unless `actor` may `perm`."""
    with remembered():
        if actor.has_perm(perm, obj):
            return
        reason = perms.why_not_take_part(actor, consultation, perm) if obj is consultation else ""
    if reason and reason == perms.verification_reason(consultation):  # with the page to obtain it
        raise VerificationRequired(consultation.council, requirement_of(consultation))
    raise AccessDenied(reason, perm=perm)


def _consultation(consultation_id: int) -> Consultation:
    consultation = (
        Consultation.objects.select_related("council").prefetch_related("phases", "eligible_groups")
        .filter(pk=consultation_id).first()
    )
    if consultation is None:
        raise AccessDenied(perms.VIEW)
    return consultation


def contribution_for_write(actor: Any, contribution_id: int, *, lock: bool = True) -> Contribution:
    """A contribution of a consultation `actor` may read, locked for the write; the same refusal when missing."""
    contributions = Contribution.objects.select_related("consultation__council", "author")
    if lock:
        contributions = contributions.select_for_update(of=("self",))
    contribution = contributions.filter(pk=contribution_id).first()
    if contribution is None:
        raise AccessDenied(perms.VIEW)
    contribution.consultation = _consultation(contribution.consultation_id)
    if not actor.has_perm(perms.VIEW, contribution.consultation):
        raise AccessDenied(perms.VIEW)
    return contribution


def require_visible(contribution: Contribution) -> None:
    if not contribution.is_visible:
        raise InvalidInput(_("This contribution was withdrawn, hidden or merged into another one."))


def announce_changed(contribution: Contribution) -> None:
    markers.markers_changed_on_commit(contribution.consultation_id)
    group = events.consultation_group(contribution.consultation_id)
    send_event_on_commit(group, events.CONTRIBUTION_CHANGED, selectors.contribution_payload(contribution.pk))


def announce_removed(contribution: Contribution, why: str) -> None:
    markers.markers_changed_on_commit(contribution.consultation_id)
    send_event_on_commit(
        events.consultation_group(contribution.consultation_id),
        events.CONTRIBUTION_REMOVED,
        {
            "consultation_id": contribution.consultation_id,
            "id": contribution.pk,
            "why": why,
            "merged_into": contribution.merged_into_id,
        },
    )


def _origins(text: str) -> str:
    """The sites that may frame the widgets, one per line, checked."""
    try:
        validate_origins(text)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from None
    return "\n".join(origin_list(text))


def _category(consultation: Consultation, category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    category = Category.objects.filter(consultation=consultation, pk=category_id).first()
    if category is None:
        raise InvalidInput(_("Choose one of this consultation's categories."))
    return category


def _point(latitude: float | None, longitude: float | None) -> tuple[float | None, float | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput(_("A point needs a latitude (-90 to 90) and a longitude (-180 to 180)."))
    return latitude, longitude


def image_fields(image: Any, image_description: str, *, had_image: bool = False) -> dict[str, Any]:
    """The image (checked, re-encoded without metadata) and what it shows, needed with it.

    Without a new `image`, a stored one stays (`had_image`) and only its description changes.
    """
    description = (image_description or "").strip()
    fields: dict[str, Any] = {}
    if image:
        fields["image"] = image_checked(image)
    if image or had_image:
        fields["image_description"] = plain_text(
            description, limit=MAX_IMAGE_DESCRIPTION_CHARS,
            empty=_("Say in a few words what the image shows, for those who cannot see it."),
            too_long=_("The description of the image is too long (%(count)d characters; at most %(max)d)."),
        )
    else:
        fields["image_description"] = ""
    return fields


def contribution_fields(
    consultation: Consultation, *, title: str, body: str, category_id: int | None,
    latitude: float | None, longitude: float | None,
) -> dict[str, Any]:
    """A contribution's fields, checked: plain text within the limits, a category of this consultation, a point on Earth."""
    latitude, longitude = _point(latitude, longitude)
    return {
        "title": plain_text(
            title, limit=MAX_TITLE_CHARS, empty=_("Give your contribution a title."),
            too_long=_("The title is too long (%(count)d characters; at most %(max)d)."),
        ),
        "body": plain_text(
            body, limit=MAX_BODY_CHARS, empty=_("Write your contribution."),
            too_long=_("The text is too long (%(count)d characters; at most %(max)d)."),
        ),
        "category": _category(consultation, category_id),
        "latitude": latitude,
        "longitude": longitude,
    }


# -- the council's facilitators: consultations


@transaction.atomic
def consultation_create(
    *,
    actor: User,
    council: Council,
    title: str,
    description: str = "",
    phases: Iterable[tuple[str, datetime, datetime]] = (),
    eligible_group_ids: Iterable[int] = (),
    categories: Iterable[str] = (),
    edit_minutes: int = 60,
    is_published: bool = False,
    min_age: int | None = None,
    max_age: int | None = None,
    image: Any = None,
    image_description: str = "",
    embed_origins: str = "",
    language: str = Language.FRENCH,
) -> Consultation:
    """Prepare a consultation with its phases (kind, start, end), groups, categories and the ages
    it is open to (both inclusive; none: any age)."""
    if not actor.has_perm(perms.MANAGE, selectors.council_probe(council)):
        raise AccessDenied(perms.MANAGE)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise InvalidInput(_("The youngest age must not be above the oldest."))
    consultation = Consultation.objects.create(
        council=council,
        title=plain_text(title, limit=200, empty=_("Give the consultation a title."), too_long=_("The title is too long (%(count)d characters; at most %(max)d).")),
        description=description.strip(),
        edit_minutes=edit_minutes,
        is_published=is_published,
        min_age=min_age,
        max_age=max_age,
        embed_origins=_origins(embed_origins),
        **image_fields(image, image_description),
        language=language if language in Language.values else Language.FRENCH,
    )
    group_ids = list(eligible_group_ids)
    groups = list(NeighbourhoodGroup.objects.filter(council=council, pk__in=group_ids))
    if len(groups) != len(set(group_ids)):
        raise InvalidInput(_("Choose only groups of this council."))
    consultation.eligible_groups.set(groups)
    for kind, starts_at, ends_at in phases:
        if starts_at >= ends_at:
            raise InvalidInput(_("A phase ends after it starts."))
        Phase.objects.create(consultation=consultation, kind=kind, starts_at=starts_at, ends_at=ends_at)
    for position, name in enumerate(categories):
        Category.objects.create(consultation=consultation, name=name.strip(), position=position)
    return consultation


# -- residents


@transaction.atomic
def contribution_submit(
    *,
    actor: User,
    consultation_id: int,
    title: str,
    body: str,
    category_id: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    request_id: str = "",
    image: Any = None,
    image_description: str = "",
) -> Contribution:
    """Submit a contribution in the contributions phase; with the same `request_id` twice, one is made.

    Refused with the reason (phase, account, council, groups). The author follows it from the start.
    Emits consultation.contribution_published after commit.
    """
    consultation = _consultation(consultation_id)
    require_with_reason(actor, perms.ADD_CONTRIBUTION, consultation, consultation)
    return contribution_create(
        consultation=consultation, author=actor, request_id=request_id,
        fields=lambda: contribution_fields(
            consultation, title=title, body=body, category_id=category_id, latitude=latitude, longitude=longitude
        ) | image_fields(image, image_description),
    )


def contribution_create(
    *, consultation: Consultation, author: User, request_id: str, fields: Callable[[], dict[str, Any]]
) -> Contribution:
    """The one place a contribution is made, once its caller's rule allowed it: a resident's
    `contribution_submit` (form, socket, API) and a workshop's report back (meetings/reports.py).

    The same `request_id` twice by the same author makes one (the second gets the first, even
    if `fields()`, which validates, would now refuse); the author follows it from the start; open
    pages are told after commit (consultation.contribution_published). Call inside a transaction.
    """
    request_id = (request_id or "")[:64]
    if request_id:
        again = Contribution.objects.filter(consultation=consultation, author=author, client_request_id=request_id).first()
        if again is not None:
            return again
    values = fields()
    try:
        with transaction.atomic():  # a concurrent double submit meets the unique constraint
            contribution = Contribution.objects.create(
                consultation=consultation, author=author, client_request_id=request_id, **values
            )
    except IntegrityError:
        return Contribution.objects.get(consultation=consultation, author=author, client_request_id=request_id)
    Follow.objects.create(contribution=contribution, user=author)
    markers.markers_changed_on_commit(consultation.pk)
    send_event_on_commit(
        events.consultation_group(consultation.pk), events.CONTRIBUTION_PUBLISHED, selectors.contribution_payload(contribution.pk)
    )
    return contribution


@transaction.atomic
def contribution_edit(
    *,
    actor: User,
    contribution_id: int,
    title: str,
    body: str,
    category_id: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    image: Any = None,
    image_description: str = "",
) -> Contribution:
    """Its author changes it, within the consultation's edit window and the contributions phase.

    A new `image` replaces the stored one; without one, the stored image stays.
    """
    contribution = contribution_for_write(actor, contribution_id)
    require_with_reason(actor, perms.CHANGE_CONTRIBUTION, contribution, contribution.consultation)
    fields = contribution_fields(
        contribution.consultation, title=title, body=body, category_id=category_id, latitude=latitude, longitude=longitude
    ) | image_fields(image, image_description, had_image=bool(contribution.image))
    for name, value in fields.items():
        setattr(contribution, name, value)
    contribution.edited_at = timezone.now()
    contribution.save(update_fields=[*fields, "edited_at"])
    announce_changed(contribution)
    return contribution


@transaction.atomic
def contribution_withdraw(*, actor: User, contribution_id: int) -> Contribution:
    """Its author takes it back (any phase); it leaves every page, its endorsements stay counted nowhere."""
    contribution = contribution_for_write(actor, contribution_id)
    require_with_reason(actor, perms.WITHDRAW_CONTRIBUTION, contribution, contribution.consultation)
    contribution.withdrawn_at = timezone.now()
    contribution.save(update_fields=["withdrawn_at"])
    announce_removed(contribution, "withdrawn")
    return contribution


def _endorsable(actor: User, contribution_id: int) -> Contribution:
    """The contribution, locked: endorsements of one contribution are counted one at a time."""
    contribution = contribution_for_write(actor, contribution_id)
    require_with_reason(actor, perms.ENDORSE, contribution.consultation, contribution.consultation)
    require_visible(contribution)
    return contribution


@transaction.atomic
def contribution_endorse(*, actor: User, contribution_id: int) -> dict[str, Any]:
    """Support a contribution; a second time changes nothing. The count is announced by the caller (live.py)."""
    contribution = _endorsable(actor, contribution_id)
    _endorsement, created = Endorsement.objects.get_or_create(contribution=contribution, user=actor)
    if created:
        count_change(contribution.pk, endorsements=1)
    return _endorsement_state(contribution, endorsed=True)


@transaction.atomic
def contribution_unendorse(*, actor: User, contribution_id: int) -> dict[str, Any]:
    """Take one's support back; without support, changes nothing."""
    contribution = _endorsable(actor, contribution_id)
    deleted, _by_model = Endorsement.objects.filter(contribution=contribution, user=actor).delete()
    if deleted:
        count_change(contribution.pk, endorsements=-1)
    return _endorsement_state(contribution, endorsed=False)


def count_change(contribution_id: int, *, endorsements: int = 0, comments: int = 0) -> None:
    """Move a contribution's stored counters, in the caller's transaction (the sorts read them)."""
    Contribution.objects.filter(pk=contribution_id).update(
        endorsement_count=F("endorsement_count") + endorsements, comment_count=F("comment_count") + comments
    )


def count_again(contribution_id: int) -> None:
    """Set a contribution's counters from its rows (after a merge moved them)."""
    Contribution.objects.filter(pk=contribution_id).update(
        endorsement_count=Endorsement.objects.filter(contribution_id=contribution_id).count(),
        comment_count=Comment.objects.filter(contribution_id=contribution_id, hidden=False).count(),
    )


def _endorsement_state(contribution: Contribution, *, endorsed: bool) -> dict[str, Any]:
    return {
        "consultation_id": contribution.consultation_id,
        "contribution_id": contribution.pk,
        "endorsed": endorsed,
        "endorsements": selectors.endorsement_count(contribution.pk),
    }


@transaction.atomic
def comment_post(
    *,
    actor: User,
    contribution_id: int,
    body: str,
    stance: str = Comment.Stance.NEUTRAL,
    parent_id: int | None = None,
    request_id: str = "",
) -> Comment:
    """Comment on a contribution, or reply to a comment of it; the same `request_id` twice posts once.

    Emits consultation.comment_posted after commit.
    """
    contribution = contribution_for_write(actor, contribution_id, lock=False)
    require_with_reason(actor, perms.COMMENT, contribution.consultation, contribution.consultation)
    require_visible(contribution)
    request_id = (request_id or "")[:64]
    if request_id:
        again = Comment.objects.filter(contribution=contribution, author=actor, client_request_id=request_id).first()
        if again is not None:
            return again
    if stance not in Comment.Stance.values:
        raise InvalidInput(_("Choose for, against or neutral."))
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(contribution=contribution, pk=parent_id, hidden=False).first()
        if parent is None:
            raise InvalidInput(_("The comment you answer was hidden or does not exist."))
        if parent.depth + 1 > MAX_COMMENT_DEPTH:
            raise InvalidInput(_("This thread is too deep: answer a comment higher up."))
    text = plain_text(
        body, limit=MAX_COMMENT_CHARS, empty=_("Write your comment."),
        too_long=_("The comment is too long (%(count)d characters; at most %(max)d)."),
    )
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                contribution=contribution, author=actor, parent=parent, depth=parent.depth + 1 if parent else 0,
                stance=stance, body=text, client_request_id=request_id,
            )
    except IntegrityError:
        return Comment.objects.get(contribution=contribution, author=actor, client_request_id=request_id)
    count_change(contribution.pk, comments=1)
    send_event_on_commit(
        events.consultation_group(contribution.consultation_id),
        events.COMMENT_POSTED,
        {
            "consultation_id": contribution.consultation_id,
            "contribution_id": contribution.pk,
            "comment": selectors.comment_public(comment),
            "comments": selectors.comment_count(contribution.pk),
        },
    )
    return comment


@transaction.atomic
def content_report(
    *, actor: User, contribution_id: int, reason: str, details: str = "", comment_id: int | None = None
) -> AbuseReport:
    """Report a contribution or one of its comments to the moderators (once per person and content)."""
    contribution = contribution_for_write(actor, contribution_id, lock=False)
    require_with_reason(actor, perms.REPORT, contribution.consultation, contribution.consultation)
    if reason not in AbuseReport.Reason.values:
        raise InvalidInput(_("Choose a reason."))
    comment = None
    if comment_id is not None:
        comment = Comment.objects.filter(contribution=contribution, pk=comment_id).first()
        if comment is None:
            raise InvalidInput(_("This comment does not exist."))
    details = plain_text(details, limit=MAX_REASON_CHARS, empty="", too_long=_("The details are too long (%(count)d characters; at most %(max)d)."))
    report, _created = AbuseReport.objects.get_or_create(
        contribution=contribution, comment=comment, reporter=actor, defaults={"reason": reason, "details": details}
    )
    return report


@transaction.atomic
def contribution_follow(*, actor: User, contribution_id: int, following: bool = True) -> bool:
    """Follow a contribution (or stop); idempotent. Returns whether the person follows it now."""
    contribution = contribution_for_write(actor, contribution_id, lock=False)
    require_with_reason(actor, perms.FOLLOW, contribution.consultation, contribution.consultation)
    if following:
        Follow.objects.bulk_create([Follow(contribution=contribution, user=actor)], ignore_conflicts=True)
    else:
        Follow.objects.filter(contribution=contribution, user=actor).delete()
    return following
