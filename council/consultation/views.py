"""Pages of consultations, under /c/<council_slug>/consultations/: thin, the services decide.

Visitors read without an account; taking part needs one. Every write is a plain form (no
script needed) that comes back to the page it was sent from; open pages hear the change live
(live.py, the consultation's socket).
"""

import secrets
from typing import Any

from asgiref.sync import sync_to_async
from csp.constants import NONE
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from council.consultation import live
from council.consultation import markers
from council.consultation import moderation
from council.consultation import parts
from council.consultation import permissions as perms
from council.consultation import search
from council.consultation import selectors
from council.consultation import services
from council.consultation.forms import CommentForm
from council.consultation.forms import ContributionForm
from council.consultation.forms import ReportForm
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.strings import map_strings
from council.consultation.strings import page_strings
from council.core.errors import AccessDenied
from council.core.errors import CouncilError
from council.core.geo import tile_config
from council.core.memo import remembered
from council.core.sharing import PageShare
from council.core.sharing import page_share
from council.groups.views.zones import zones_feature_collection
from council.verifications.requirements import verification_link
from council.youth.selectors import age_range_sentence
from council.youth.selectors import needs_birth_date

PER_PAGE = 20
#: contributions per page of the map's list (its text alternative)
MAP_LIST_PER_PAGE = 50
EMBED_CONTRIBUTIONS = 5
SEED_KEY = "consultation_seed"


def _consultation(request: Any, consultation_id: int) -> Consultation:
    try:
        return perms.access_consultation(request.user, consultation_id, council_id=request.council.pk)
    except AccessDenied as error:
        raise Http404 from error


def _contribution(consultation: Consultation, contribution_id: int, user: Any) -> Contribution:
    """The consultation's contribution; a hidden one only for its author and the moderators."""
    contribution = selectors.contribution_get(consultation, contribution_id)
    if contribution is None:
        raise Http404
    merged_into = contribution.merged_into
    if merged_into is not None and merged_into.is_visible:
        raise _Moved(merged_into)
    contribution.consultation = consultation
    if not user.has_perm(perms.VIEW_CONTRIBUTION, contribution):
        raise Http404
    return contribution


class _Moved(Exception):
    def __init__(self, target: Contribution) -> None:
        self.target = target


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was sent from (this site's only)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def socket_path(consultation: Consultation) -> str:
    """The path of the consultation's socket (its pages' and its questionnaire's)."""
    return f"/ws/c/{consultation.council.slug}/consultations/{consultation.pk}/"


def consultation_list(request: Any, council_slug: str) -> HttpResponse:
    consultations = selectors.consultation_list_visible_to(user=request.user, council=request.council)
    return render(request, "consultation/consultation_list.html", {"consultations": consultations})


def _seed(request: HttpRequest) -> str:
    """This visitor's random order, kept for their session so the list does not reshuffle."""
    if SEED_KEY not in request.session:
        request.session[SEED_KEY] = secrets.token_hex(8)
    return str(request.session[SEED_KEY])


def consultation_detail(request: Any, council_slug: str, consultation_id: int) -> HttpResponse:
    consultation = _consultation(request, consultation_id)
    user = request.user
    form = ContributionForm(request.POST or None, request.FILES or None, consultation=consultation)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                contribution = services.contribution_submit(
                    actor=user, consultation_id=consultation.pk, request_id=form.cleaned_data["request_id"], **form.arguments()
                )
            except CouncilError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your contribution is published."))
                return redirect(selectors.contribution_url(contribution))
    listing = _listing(request, consultation)
    contributions = selectors.contributions_sorted(
        consultation, sort=listing["sort"], seed=_seed(request) if listing["sort"] == "random" else "",
        text=listing["q"], category_id=listing["category_id"], status=listing["status"],
    )
    page = selectors.PagedByKey(contributions, PER_PAGE, related=selectors.LISTED_WITH).get_page(request.GET.get("page"))
    with remembered():
        can_submit = user.has_perm(perms.ADD_CONTRIBUTION, consultation)
        context = {
            "consultation": consultation,
            "phase": consultation.current_phase,
            "phases": list(consultation.phases.all()),
            "groups": list(consultation.eligible_groups.all()),
            "parts": parts.consultation_parts(user=user, consultation=consultation),
            "page": page,
            **listing,
            "sorts": _sort_links(),
            "categories": list(consultation.categories.all()),
            "statuses": Contribution.Status.choices,
            "endorsed_ids": selectors.endorsed_by(user, [c.pk for c in page]),
            "can_submit": can_submit,
            "why_not_submit": "" if can_submit else perms.why_not_take_part(user, consultation, perms.ADD_CONTRIBUTION),
            "needs_birth_date": needs_birth_date(user, consultation),
            "ages": age_range_sentence(consultation),
            "can_endorse": user.has_perm(perms.ENDORSE, consultation),
            "verification_link": verification_link(user, consultation, request.get_full_path()),
            "can_moderate": user.has_perm(perms.MODERATE, consultation),
            "can_export": user.has_perm(perms.EXPORT, consultation),
            "can_view_statistics": user.has_perm(perms.VIEW_STATISTICS, consultation),
            "form": form,
            "socket_path": socket_path(consultation),
            "strings": page_strings(),
            "share": _consultation_share(request, consultation),
            "embed_code": _embed_code(request, reverse("consultation-embed", args=[council_slug, consultation.pk]), consultation.title)
            if user.has_perm(perms.MODERATE, consultation) else "",
        }
    return render(request, "consultation/consultation_detail.html", context, status=400 if form.errors else 200)


def _consultation_share(request: Any, consultation: Consultation) -> PageShare:
    return page_share(
        request, path=reverse("consultation-detail", args=[consultation.council.slug, consultation.pk]),
        title=consultation.title, description=consultation.description, site_name=consultation.council.name,
        image=consultation.image or None, image_alt=consultation.image_description,
    )


def _contribution_share(request: Any, contribution: Contribution) -> PageShare:
    """A contribution shared with its own image, or its consultation's."""
    consultation = contribution.consultation
    own = bool(contribution.image)
    return page_share(
        request, path=selectors.contribution_url(contribution), title=contribution.title, description=contribution.body,
        site_name=consultation.council.name, kind="article",
        image=contribution.image if own else consultation.image or None,
        image_alt=contribution.image_description if own else consultation.image_description,
    )


def _embed_code(request: Any, path: str, title: str) -> str:
    """The iframe a council pastes into its own site (escaped where it is shown)."""
    src = request.build_absolute_uri(path)
    return f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" height="520" loading="lazy"></iframe>'


def _framed_by(response: HttpResponse, consultation: Consultation) -> HttpResponse:
    """Let the sites the council listed on the consultation show `response` in a frame, and only them.

    The one place of the site that may be framed: CSP frame-ancestors lists the origins (django-csp
    replaces the site-wide 'none'); X-Frame-Options cannot name several origins, so it is left out
    when there are some (browsers that know frame-ancestors ignore it anyway) and kept (DENY) when none.
    """
    origins = consultation.frame_ancestors
    response._csp_replace = {"frame-ancestors": origins or [NONE]}  # type: ignore[attr-defined]  # read by django-csp
    if origins:
        response.xframe_options_exempt = True  # read by XFrameOptionsMiddleware
    return response


def consultation_embed(request: Any, council_slug: str, consultation_id: int) -> HttpResponse:
    """The consultation's widget: what it asks, its phase and its latest contributions, for an iframe."""
    consultation = _consultation(request, consultation_id)
    context = {
        "consultation": consultation,
        "phase": consultation.current_phase,
        "contributions": list(selectors.contributions_sorted(consultation, sort="recent")[:EMBED_CONTRIBUTIONS]),
        "count": selectors.contributions_sorted(consultation, sort="recent").count(),
        "page_url": request.build_absolute_uri(reverse("consultation-detail", args=[council_slug, consultation.pk])),
    }
    return _framed_by(render(request, "consultation/embed_consultation.html", context), consultation)


def contribution_embed(request: Any, council_slug: str, consultation_id: int, contribution_id: int) -> HttpResponse:
    """A contribution's widget: its status, its text and the council's answer, for an iframe."""
    consultation = _consultation(request, consultation_id)
    try:
        contribution = _contribution(consultation, contribution_id, request.user)
    except _Moved as moved:
        return redirect("contribution-embed", council_slug, consultation.pk, moved.target.pk)
    context = {
        "consultation": consultation,
        "contribution": contribution,
        "page_url": request.build_absolute_uri(selectors.contribution_url(contribution)),
    }
    return _framed_by(render(request, "consultation/embed_contribution.html", context), consultation)


def consultation_map(request: Any, council_slug: str, consultation_id: int) -> HttpResponse:
    """The contributions that have a place, on a map, beside a paged list of them all (its text alternative).

    The markers are not in the page: its script fetches them from `consultation_map_markers`
    (with the same filters) and clusters them, so the page costs the same for 20 or 20,000.
    """
    consultation = _consultation(request, consultation_id)
    listing = _listing(request, consultation)
    contributions = selectors.contributions_sorted(
        consultation, sort="recent", category_id=listing["category_id"], status=listing["status"]
    )
    page = Paginator(contributions, MAP_LIST_PER_PAGE).get_page(request.GET.get("page"))
    categories = list(consultation.categories.all())
    filters = {"category": listing["category_id"] or "", "status": listing["status"]}
    query = urlencode({key: value for key, value in filters.items() if value})
    markers_url = reverse("consultation-map-markers", args=[council_slug, consultation.pk])
    category_name = next((c.name for c in categories if c.pk == listing["category_id"]), None)
    context = {
        "consultation": consultation,
        "page": page,
        "categories": categories,
        "statuses": Contribution.Status.choices,
        "category_id": listing["category_id"],
        "status": listing["status"],
        "filtered": bool(query),
        "query": query,
        "socket_path": socket_path(consultation),
        "map_config": tile_config() | {
            "label": _("Map of the contributions that have a place"),
            "markersUrl": f"{markers_url}?{query}" if query else markers_url,
            # a new contribution heard live gets a marker only if it passes the page's filters
            "filter": {"category": category_name, "status": listing["status"]},
            "contributionUrl": reverse("contribution-detail", args=[council_slug, consultation.pk, 0]),
            "zones": zones_feature_collection(consultation.council),  # drawn under the markers
            "strings": map_strings(),
        },
    }
    return render(request, "consultation/consultation_map.html", context)


def consultation_map_markers(request: Any, council_slug: str, consultation_id: int) -> HttpResponse:
    """The map's data: the markers of the visible contributions with a place (council/consultation/markers.py).

    Optional filters: `category` (an id of the consultation's categories), `status`, and `bbox`
    (west,south,east,north in degrees, as Leaflet's toBBoxString writes it). A bad filter is
    refused with the reason (400), not ignored: a map showing everything would look like an answer.
    """
    consultation = _consultation(request, consultation_id)
    data = request.GET
    category_id = None
    if data.get("category"):
        category = data["category"]
        if not category.isdigit() or not consultation.categories.filter(pk=category).exists():
            return JsonResponse({"error": _("This consultation has no such category.")}, status=400)
        category_id = int(category)
    status = data.get("status", "")
    if status and status not in Contribution.Status.values:
        return JsonResponse({"error": _("Unknown status.")}, status=400)
    bbox = None
    if data.get("bbox"):
        bbox = _bounding_box(data["bbox"])
        if bbox is None:
            return JsonResponse(
                {"error": _("The bounding box is west,south,east,north in degrees (west ≤ east, south ≤ north).")},
                status=400,
            )
    body = markers.consultation_markers_json(consultation, category_id=category_id, status=status, bbox=bbox)
    return HttpResponse(body, content_type="application/json")


def _bounding_box(text: str) -> markers.BoundingBox | None:
    """west,south,east,north in degrees, or None if it is not one."""
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        return None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):  # NaN fails every comparison
        return None
    return markers.BoundingBox(west=west, south=south, east=east, north=north)


def _listing(request: HttpRequest, consultation: Consultation) -> dict[str, Any]:
    """The list's search, filters and sort from the query string; unknown values are ignored.

    `query` is the query string without the sort and the page, which the sort and page links
    add to it: they keep the search and the filters.
    """
    data = request.GET
    sort = data.get("sort", "recent")
    sort = sort if sort in selectors.SORTS else "recent"
    text = data.get("q", "").strip()[: search.MAX_SEARCH_CHARS]
    status = data.get("status", "")
    status = status if status in Contribution.Status.values else ""
    category = data.get("category", "")
    category_id = int(category) if category.isdigit() and consultation.categories.filter(pk=category).exists() else None
    kept = {"q": text, "category": category_id or "", "status": status}
    return {
        "sort": sort,
        "q": text,
        "category_id": category_id,
        "status": status,
        "filtered": bool(text or category_id or status),
        "query": urlencode({key: value for key, value in kept.items() if value}),
    }


def _sort_links() -> list[tuple[str, str]]:
    return [("recent", _("Most recent")), ("endorsed", _("Most supported")), ("commented", _("Most commented")), ("random", _("Random"))]


def contribution_detail(request: Any, council_slug: str, consultation_id: int, contribution_id: int) -> HttpResponse:
    consultation = _consultation(request, consultation_id)
    try:
        contribution = _contribution(consultation, contribution_id, request.user)
    except _Moved as moved:
        return redirect(selectors.contribution_url(moved.target))
    return render(request, "consultation/contribution_detail.html", _contribution_context(request, consultation, contribution))


def _contribution_context(request: Any, consultation: Consultation, contribution: Contribution, **extra: Any) -> dict[str, Any]:
    user = request.user
    with remembered():
        can_moderate = user.has_perm(perms.MODERATE, consultation)
        can_comment = user.has_perm(perms.COMMENT, consultation) and contribution.is_visible
        return {
            "consultation": consultation,
            "contribution": contribution,
            **_thread(request, contribution),
            "endorsed_ids": selectors.endorsed_by(user, [contribution.pk]),
            "following": selectors.is_following(user, contribution),
            "can_endorse": user.has_perm(perms.ENDORSE, consultation) and contribution.is_visible,
            "can_comment": can_comment,
            "why_not_comment": "" if can_comment else perms.why_not_take_part(user, consultation, perms.COMMENT),
            "can_edit": user.has_perm(perms.CHANGE_CONTRIBUTION, contribution),
            "can_withdraw": user.has_perm(perms.WITHDRAW_CONTRIBUTION, contribution),
            "can_report": user.has_perm(perms.REPORT, consultation),
            "can_moderate": can_moderate,
            "statuses": Contribution.Status.choices,
            "merge_targets": (
                list(Contribution.objects.visible().filter(consultation=consultation).exclude(pk=contribution.pk).values_list("pk", "title"))
                if can_moderate else []
            ),
            "edit_initial": ContributionForm(consultation=consultation, initial=ContributionForm.initial_for(contribution)),
            "reply_to": _reply_to(request, contribution),
            "reports": list(contribution.reports.filter(resolved_at=None)) if can_moderate else [],
            "comment_form": extra.pop("comment_form", None) or CommentForm(),
            "report_form": ReportForm(),
            "socket_path": socket_path(consultation),
            "strings": page_strings(),
            "share": _contribution_share(request, contribution),
            "embed_code": _embed_code(
                request, reverse("contribution-embed", args=[consultation.council.slug, consultation.pk, contribution.pk]),
                contribution.title,
            ) if can_moderate else "",
            **extra,
        }


def _thread(request: Any, contribution: Contribution) -> dict[str, Any]:
    thread, thread_page = selectors.comment_thread(contribution, page=request.GET.get("comments"))
    return {"thread": thread, "thread_page": thread_page}


def _reply_to(request: Any, contribution: Contribution) -> Comment | None:
    """The comment answered, from `?reply=<id>` (a visible comment of this contribution only)."""
    try:
        comment_id = int(request.GET.get("reply") or request.POST.get("parent") or 0)
    except ValueError:
        return None
    return contribution.comments.select_related("author").filter(pk=comment_id, hidden=False).first() if comment_id else None


def _posted(request: Any, consultation_id: int, contribution_id: int) -> tuple[Consultation, Contribution]:
    """The consultation and contribution a form acts on (404 if they do not belong together)."""
    consultation = _consultation(request, consultation_id)
    contribution = Contribution.objects.filter(consultation=consultation, pk=contribution_id).first()
    if contribution is None:
        raise Http404
    contribution.consultation = consultation
    return consultation, contribution


def _signed_in(view: Any) -> Any:
    """Send a visitor to log in, and back to the contribution afterwards."""

    def wrapped(request: Any, council_slug: str, consultation_id: int, contribution_id: int, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            url = reverse("contribution-detail", args=[council_slug, consultation_id, contribution_id])
            return redirect_to_login(url)
        response: HttpResponse = view(request, council_slug, consultation_id, contribution_id, **kwargs)
        return response

    return wrapped


def _run(request: Any, service: Any, success: str = "", **kwargs: Any) -> Any:
    """Call a service as the signed-in person; tell the refusal as a message (None then)."""
    try:
        result = service(actor=request.user, **kwargs)
    except CouncilError as error:
        messages.error(request, error.message)
        return None
    if success:
        messages.success(request, success)
    return result


@require_POST
@_signed_in
def contribution_edit(request: Any, council_slug: str, consultation_id: int, contribution_id: int) -> HttpResponse:
    consultation, contribution = _posted(request, consultation_id, contribution_id)
    form = ContributionForm(request.POST, request.FILES, consultation=consultation)
    if form.is_valid():
        try:
            services.contribution_edit(actor=request.user, contribution_id=contribution.pk, **form.arguments())
        except CouncilError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your contribution is changed."))
            return redirect(selectors.contribution_url(contribution))
    contribution = _contribution(consultation, contribution.pk, request.user)
    context = _contribution_context(request, consultation, contribution, edit_form=form)
    return render(request, "consultation/contribution_detail.html", context, status=400)


@require_POST
@_signed_in
def contribution_withdraw(request: Any, council_slug: str, consultation_id: int, contribution_id: int) -> HttpResponse:
    consultation, contribution = _posted(request, consultation_id, contribution_id)
    _run(request, services.contribution_withdraw, _("Your contribution is withdrawn."), contribution_id=contribution.pk)
    return redirect("consultation-detail", council_slug=council_slug, consultation_id=consultation.pk)


@require_POST
async def contribution_endorse(request: Any, council_slug: str, consultation_id: int, contribution_id: int) -> HttpResponse:
    """Support (endorse=1) or stop supporting (endorse=0); the count reaches open pages coalesced."""
    user = await request.auser()
    default = reverse("contribution-detail", args=[council_slug, consultation_id, contribution_id])
    if not user.is_authenticated:
        return redirect_to_login(default)
    await sync_to_async(_posted)(request, consultation_id, contribution_id)
    service = services.contribution_unendorse if request.POST.get("endorse") == "0" else services.contribution_endorse
    if await sync_to_async(_run)(request, service, contribution_id=contribution_id) is not None:
        await live.endorsements_changed_soon(contribution_id)
    return _back(request, default)


@require_POST
@_signed_in
def comment_post(request: Any, council_slug: str, consultation_id: int, contribution_id: int) -> HttpResponse:
    consultation, contribution = _posted(request, consultation_id, contribution_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            comment = services.comment_post(
                actor=request.user, contribution_id=contribution.pk, body=data["body"], stance=data["stance"],
                parent_id=data["parent"], request_id=data["request_id"],
            )
        except CouncilError as error:
            form.add_error(None, error.message)
        else:
            page = selectors.comment_page(comment)
            return redirect(f"{selectors.contribution_url(contribution)}?comments={page}#comment-{comment.pk}")
    contribution = _contribution(consultation, contribution.pk, request.user)
    context = _contribution_context(request, consultation, contribution, comment_form=form)
    return render(request, "consultation/contribution_detail.html", context, status=400)


@require_POST
@_signed_in
def content_report(request: Any, council_slug: str, consultation_id: int, contribution_id: int) -> HttpResponse:
    _unused, contribution = _posted(request, consultation_id, contribution_id)
    form = ReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _run(
            request, services.content_report, _("Thank you: the moderators will look at it."),
            contribution_id=contribution.pk, reason=data["reason"], details=data["details"], comment_id=data["comment"],
        )
    else:
        messages.error(request, _("Choose a reason."))
    return redirect(selectors.contribution_url(contribution))


@require_POST
@_signed_in
def contribution_follow(request: Any, council_slug: str, consultation_id: int, contribution_id: int) -> HttpResponse:
    _unused, contribution = _posted(request, consultation_id, contribution_id)
    following = request.POST.get("follow") != "0"
    message = _("You follow this contribution.") if following else _("You no longer follow this contribution.")
    _run(request, services.contribution_follow, message, contribution_id=contribution.pk, following=following)
    return redirect(selectors.contribution_url(contribution))


@require_POST
@_signed_in
def contribution_moderate(
    request: Any, council_slug: str, consultation_id: int, contribution_id: int, action: str
) -> HttpResponse:
    consultation, contribution = _posted(request, consultation_id, contribution_id)
    data = request.POST
    if action == "hide":
        _run(request, moderation.contribution_hide, _("The contribution is hidden."), contribution_id=contribution.pk, reason=data.get("reason", ""))
    elif action == "answer":
        _run(request, moderation.contribution_answer, _("The answer is published."), contribution_id=contribution.pk, answer=data.get("answer", ""))
    elif action == "status":
        _run(
            request, moderation.contribution_set_status, _("The status is changed."), contribution_id=contribution.pk,
            status=data.get("status", ""), reason=data.get("reason", ""),
        )
    elif action == "merge":
        try:
            into_id = int(data.get("into", ""))
        except ValueError:
            messages.error(request, _("Choose the contribution to merge into."))
            return redirect(selectors.contribution_url(contribution))
        if _run(request, moderation.contribution_merge, _("The contributions are merged."), contribution_id=contribution.pk, into_id=into_id):
            return redirect("contribution-detail", council_slug=council_slug, consultation_id=consultation.pk, contribution_id=into_id)
    else:
        raise Http404
    return redirect(selectors.contribution_url(contribution))


@require_POST
def comment_hide(request: Any, council_slug: str, consultation_id: int, comment_id: int) -> HttpResponse:
    consultation = _consultation(request, consultation_id)
    comment = Comment.objects.filter(pk=comment_id, contribution__consultation=consultation).first()
    if comment is None or not request.user.has_perm(perms.MODERATE, consultation):
        raise Http404
    _run(request, moderation.comment_hide, _("The comment is hidden."), comment_id=comment.pk, reason=request.POST.get("reason", ""))
    url = reverse("contribution-detail", args=[council_slug, consultation.pk, comment.contribution_id])
    return redirect(f"{url}#comment-{comment.pk}")
