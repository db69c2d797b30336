"""Reads of consultations: lists with counts in one query, the public payloads events carry."""

import hashlib
from datetime import datetime
from typing import Any

from django.core.paginator import Page
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BigIntegerField
from django.db.models import CharField
from django.db.models import Count
from django.db.models import F
from django.db.models import Func
from django.db.models import IntegerField
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Value
from django.db.models.functions import MD5
from django.db.models.functions import Cast
from django.db.models.functions import Coalesce
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone

from council.accounts.models import User
from council.consultation import search
from council.consultation.models import MAX_COMMENT_DEPTH
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import Endorsement
from council.consultation.models import Follow
from council.councils.models import Council

SORTS = ("recent", "endorsed", "commented", "random")
#: what a listed contribution is read with (its card shows its author and category)
LISTED_WITH = ("author", "category")
#: top-level comments per page of a thread (with all their replies)
THREAD_PAGE = 50


def _count(queryset: QuerySet[Any], field: str) -> Coalesce:
    """A correlated count (one per row, no join that would multiply other counts)."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def consultation_list_visible_to(*, user: Any, council: Council) -> list[Consultation]:
    """The council's consultations this person may read, with their phases and counts (three queries)."""
    consultations = (
        Consultation.objects.filter(council=council)
        .select_related("council")
        .prefetch_related("phases")
        .annotate(contributions_count=_count(Contribution.objects.visible(), "consultation"))
    )
    if not user.has_perm("consultation.manage_consultation", council_probe(council)):
        consultations = consultations.filter(is_published=True)
    return list(consultations)


def council_probe(council: Council) -> Consultation:
    """An unsaved consultation of `council`, to ask the council-wide rules (who moderates)."""
    return Consultation(council=council, is_published=False)


def council_consultations_section(*, user: Any, council: Council) -> dict[str, Any] | None:
    """The council page's section: its consultations running or to come (None when there is none)."""
    consultations = [c for c in consultation_list_visible_to(user=user, council=council) if c.is_published]
    if not consultations:
        return None
    return {"consultations": consultations[:5], "list_url": reverse("consultation-list", args=[council.slug])}


def contributions_sorted(
    consultation: Consultation, *, sort: str, seed: str = "", text: str = "",
    category_id: int | None = None, status: str = "",
) -> QuerySet[Contribution]:
    """The visible contributions, found by `text` and filtered, in the order asked (random: stable for one seed).

    The counts are the stored counters, and each sort has its index: a page costs the same
    whatever the number of contributions.
    """
    contributions = Contribution.objects.visible().filter(consultation=consultation).select_related(*LISTED_WITH)
    if text:
        contributions = contributions.filter(search.matching(consultation, text))
    if category_id is not None:
        contributions = contributions.filter(category_id=category_id)
    if status:
        contributions = contributions.filter(status=status)
    if sort == "endorsed":
        return contributions.order_by("-endorsement_count", "-created_at", "-pk")
    if sort == "commented":
        return contributions.order_by("-comment_count", "-created_at", "-pk")
    if sort == "random":
        return contributions.annotate(shuffle=_shuffle(seed)).order_by("shuffle", "pk")
    return contributions.order_by("-created_at", "-pk")


def _shuffle(seed: str) -> Func:
    """A key that orders the contributions at random, the same way for one seed and differently for another.

    On PostgreSQL, a 64-bit hash of the id with the seed as the hash's own seed: computed
    from the id alone, which the sorts' indexes hold, so a page's ids are chosen by an
    index-only scan (PagedByKey) without reading any row, and with no text built per row.
    Elsewhere (SQLite in development), the MD5 of the seed and the id.
    """
    if connection.vendor == "postgresql":
        seed_number = int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=8).digest(), "big", signed=True)
        return Func(F("pk"), Value(seed_number), function="hashint8extended", output_field=BigIntegerField())
    return MD5(Concat(Value(seed), Cast("pk", output_field=CharField())))


class PagedByKey(Paginator):  # type: ignore[type-arg]  # of model instances
    """Pages of a sorted queryset, read in two steps: the page's ids, then the rows of these ids only.

    The first query is narrow (the sort's key and the id): PostgreSQL answers it from the
    sort's index without reading the rows, however deep the page; the second reads 20 rows
    with their joins. Two queries instead of one, whatever the number of contributions.
    """

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, related: tuple[str, ...] = ()) -> None:
        super().__init__(object_list, per_page)
        self.related = related  # what each row is read with (select_related)

    def _get_page(self, *args: Any, **kwargs: Any) -> Page[Any]:
        sliced, number, paginator = args
        ids = list(sliced.values_list("pk", flat=True))
        rows = self.object_list.model._default_manager.select_related(*self.related).filter(pk__in=ids)  # type: ignore[attr-defined]
        found = {row.pk: row for row in rows}
        return Page([found[pk] for pk in ids if pk in found], number, paginator)


def endorsed_by(user: Any, contribution_ids: list[int]) -> set[int]:
    """Which of these contributions `user` supports (one query)."""
    if not user.is_authenticated or not contribution_ids:
        return set()
    return set(
        Endorsement.objects.filter(user=user, contribution_id__in=contribution_ids).values_list("contribution_id", flat=True)
    )


def is_following(user: Any, contribution: Contribution) -> bool:
    return bool(user.is_authenticated and Follow.objects.filter(user=user, contribution=contribution).exists())


def contribution_followers(contribution_id: int) -> QuerySet[User]:
    """The people who follow a contribution (groups' notifications tell them of its answer and status)."""
    return User.objects.filter(pk__in=Follow.objects.filter(contribution_id=contribution_id).values("user_id"))


def contribution_get(consultation: Consultation, contribution_id: int) -> Contribution | None:
    """One contribution of the consultation with its counts, visible or not (the view decides)."""
    return (
        Contribution.objects.filter(consultation=consultation, pk=contribution_id)
        .select_related("author", "category", "answered_by", "merged_into", "consultation__council")
        .first()
    )


def comment_thread(contribution: Contribution, *, page: Any = 1) -> tuple[list[Comment], Page[Comment]]:
    """One page of the comments as a tree: top-level ones in order, each with `.children`.

    A page holds THREAD_PAGE top-level comments and all their replies; its queries do not grow
    with the thread (a count, the roots, one per level of replies).
    """
    roots_page = Paginator(
        contribution.comments.filter(parent=None).select_related("author").order_by("created_at", "pk"), THREAD_PAGE
    ).get_page(page)
    roots = list(roots_page)
    level = roots
    for comment in roots:
        comment.children = []  # type: ignore[attr-defined]
    for _depth in range(MAX_COMMENT_DEPTH):
        if not level:
            break
        by_id = {comment.pk: comment for comment in level}
        level = list(
            Comment.objects.filter(parent_id__in=by_id).select_related("author").order_by("created_at", "pk")
        )
        for reply in level:
            reply.children = []  # type: ignore[attr-defined]
            by_id[reply.parent_id].children.append(reply)  # type: ignore[attr-defined,index]
    return roots, roots_page


def comment_page(comment: Comment) -> int:
    """The page of its thread where a comment shows (its top-level comment's)."""
    root = comment
    while root.parent_id is not None:
        root = Comment.objects.only("pk", "parent_id", "created_at").get(pk=root.parent_id)
    before = Comment.objects.filter(contribution_id=comment.contribution_id, parent=None).filter(
        Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk)
    ).count()
    return before // THREAD_PAGE + 1


def contribution_url(contribution: Contribution) -> str:
    consultation = contribution.consultation
    return reverse("contribution-detail", args=[consultation.council.slug, consultation.pk, contribution.pk])


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def contribution_public(contribution: Contribution) -> dict[str, Any]:
    """A visible contribution as anyone may read it (the payload of the consultation's events)."""
    return {
        "consultation_id": contribution.consultation_id,
        "id": contribution.pk,
        "title": contribution.title,
        "body": contribution.body,
        "category": contribution.category.name if contribution.category is not None else None,
        "author": contribution.author.public_name,
        "latitude": contribution.latitude,
        "longitude": contribution.longitude,
        "status": contribution.status,
        "status_reason": contribution.status_reason,
        "answer": contribution.answer,
        "answered_at": _iso(contribution.answered_at),
        "created_at": contribution.created_at.isoformat(),
        "edited": contribution.edited_at is not None,
        "endorsements": contribution.endorsement_count,
        "comments": contribution.comment_count,
        "url": contribution_url(contribution),
    }


def contribution_payload(contribution_id: int) -> dict[str, Any]:
    """A contribution's public payload, read fresh (after the writes of the service calling it)."""
    contribution = (
        Contribution.objects.select_related("author", "category", "consultation__council").get(pk=contribution_id)
    )
    return contribution_public(contribution)


def comment_count(contribution_id: int) -> int:
    """Its visible comments (the stored counter)."""
    return int(Contribution.objects.filter(pk=contribution_id).values_list("comment_count", flat=True).first() or 0)


def endorsement_count(contribution_id: int) -> int:
    """Its endorsements (the stored counter)."""
    return int(Contribution.objects.filter(pk=contribution_id).values_list("endorsement_count", flat=True).first() or 0)


def comment_public(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "stance": comment.stance,
        "body": comment.body,
        "author": comment.author.public_name,
        "created_at": comment.created_at.isoformat(),
    }


def consultation_snapshot(consultation: Consultation) -> dict[str, Any]:
    """What a socket gets on connect: enough for a page to tell it missed something (a count changed)."""
    phase = consultation.current_phase
    return {
        "consultation_id": consultation.pk,
        "title": consultation.title,
        "phase": phase.kind if phase else None,
        "contributions": Contribution.objects.visible().filter(consultation=consultation).count(),
        "server_now": timezone.now().isoformat(),
    }



def next_phase_change(consultation: Consultation) -> datetime | None:
    """The next moment one of its phases begins or ends (what is allowed may change then); None if none is ahead."""
    now = timezone.now()
    moments = [moment for phase in consultation.phases.all() for moment in (phase.starts_at, phase.ends_at) if moment > now]
    return min(moments, default=None)
