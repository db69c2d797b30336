"""Pages of binding votes, under /c/<council_slug>/votes/: thin, the services decide."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpResponse
from django.http import JsonResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from council.core.errors import AccessDenied
from council.core.errors import CouncilError
from council.core.errors import InvalidInput
from council.councils.middleware import CouncilRequest
from council.rooms import agenda_links
from council.voting.ballots import paper as paper_ballots
from council.voting.ballots import services
from council.voting.ballots.deadlines import votes_apply
from council.voting.ballots.forms import VoteForm
from council.voting.ballots.minutes import minutes_odt
from council.voting.ballots.minutes import minutes_of
from council.voting.ballots.minutes import mode_text
from council.voting.ballots.minutes import tie_rule_text
from council.voting.ballots.models import PaperBallot
from council.voting.ballots.models import Vote
from council.voting.ballots.results import reason_text
from council.voting.ballots.results import result_view
from council.voting.ballots.selectors import box_publication
from council.voting.ballots.selectors import cast_refusal
from council.voting.ballots.selectors import has_voted
from council.voting.ballots.selectors import is_elector
from council.voting.ballots.selectors import participation_count
from council.voting.ballots.selectors import proxy_grantors
from council.voting.ballots.selectors import proxy_names
from council.voting.ballots.selectors import stage_card
from council.voting.ballots.selectors import tracker_find
from council.voting.ballots.selectors import verification_card
from council.voting.ballots.selectors import vote_list_visible_to


def _vote(request: CouncilRequest, vote_id: int, perm: str = "ballots.view_vote") -> Vote:
    """The council's vote if the person may `perm` on it; 404 for missing and forbidden alike.

    What is due (opening, closing) is applied first: a vote past its closing time is never shown open.
    """
    votes_apply()
    vote = Vote.objects.filter(council=request.council, pk=vote_id).prefetch_related("options").first()
    if vote is None or not request.user.has_perm(perm, vote):
        raise Http404
    return vote


@login_required
def vote_list(request: CouncilRequest, council_slug: str) -> HttpResponse:
    votes = vote_list_visible_to(user=request.user, council=request.council)
    can_manage = request.user.has_perm("ballots.manage_vote", request.council)
    return render(request, "ballots/vote_list.html", {"votes": votes, "can_manage": can_manage})


@login_required
def vote_create(request: CouncilRequest, council_slug: str) -> HttpResponse:
    council = request.council
    if not request.user.has_perm("ballots.manage_vote", council):
        raise Http404
    form = VoteForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.vote_create(actor=request.user, council=council, draft=form.draft())
        except CouncilError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The vote is prepared. Freeze its electorate when it is final."))
            return redirect("vote-detail", council_slug=council.slug, vote_id=vote.pk)
    return render(request, "ballots/vote_form.html", {"form": form})


@login_required
def vote_edit(request: CouncilRequest, council_slug: str, vote_id: int) -> HttpResponse:
    vote = _vote(request, vote_id, "ballots.manage_vote")
    if vote.status != Vote.Status.DRAFT:
        messages.error(request, _("Only a vote in draft can be changed: this one's electorate is frozen."))
        return redirect("vote-detail", council_slug=council_slug, vote_id=vote.pk)
    form = VoteForm(request.POST or None, council=request.council, initial=VoteForm.initial_for(vote))
    if request.method == "POST" and form.is_valid():
        try:
            services.vote_update(actor=request.user, vote_id=vote.pk, draft=form.draft())
        except CouncilError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("vote-detail", council_slug=council_slug, vote_id=vote.pk)
    return render(request, "ballots/vote_form.html", {"form": form, "vote": vote})


def _page(request: CouncilRequest, vote: Vote, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "vote": vote,
        "options": list(vote.options.all()),
        "participation": participation_count(vote),
        "is_elector": is_elector(vote, user),
        "has_voted": has_voted(vote, user),
        "can_cast": user.has_perm("ballots.cast_ballot", vote),
        "can_manage": user.has_perm("ballots.manage_vote", vote),
        "can_see_results": user.has_perm("ballots.view_results", vote),
        "grades": list(enumerate(vote.grades or [])),
        "ranks": range(1, len(vote.options.all()) + 1),
        "unconfirmed": _unconfirmed(vote) if user.has_perm("ballots.manage_vote", vote) else [],
        "grantors": _proxy_ballots(vote, user),
        "tie_break_reason": reason_text(vote.tie_break_reason) if vote.tie_break_reason else "",
        "can_see_minutes": user.has_perm("ballots.view_minutes", vote),
        "sitting_mode": mode_text(vote) if vote.sitting else None,
        "agenda_item": _agenda_item(vote),
        "verification": verification_card(vote, cast_refusal(vote, user)),
        **extra,
    }


def _proxy_ballots(vote: Vote, user: Any) -> list[dict[str, Any]]:
    """One ballot form per grantor whose vote `user` carries now: id, name, and the prefix of its fields' ids."""
    if vote.status != Vote.Status.OPEN or not user.is_authenticated:
        return []
    return [{"id": grantor_id, "name": name, "prefix": f"grantor-{grantor_id}-"}
            for grantor_id, name in proxy_grantors(vote, user)]


def _agenda_item(vote: Vote) -> dict[str, Any] | None:
    """The meeting's agenda item the vote is held under: its title, or unknown (removed since)."""
    if vote.room_id is None or vote.agenda_item is None:
        return None
    item = agenda_links.item(vote.room_id, vote.agenda_item)
    return {"title": item.title if item else None, "position": item.position + 1 if item else None}


def _unconfirmed(vote: Vote) -> list[PaperBallot]:
    papers = list(vote.paper_ballots.filter(confirmed_by=None).select_related("entered_by"))
    for paper in papers:
        paper.content_text = json.dumps(paper.content, ensure_ascii=False, sort_keys=True)  # type: ignore[attr-defined]
    return papers


@login_required
def vote_detail(request: CouncilRequest, council_slug: str, vote_id: int) -> HttpResponse:
    vote = _vote(request, vote_id)
    return render(request, "ballots/vote_detail.html", _page(request, vote))


@login_required
def vote_stage(request: CouncilRequest, council_slug: str, vote_id: int) -> HttpResponse:
    """The stage card's data for this person (frontend/src/ballots/stage.js): options, and why not if not."""
    vote = _vote(request, vote_id)
    card = stage_card(vote, request.user)
    card["ballots_url"] = reverse("vote-ballots", args=[council_slug, vote.pk])
    card["page_url"] = reverse("vote-detail", args=[council_slug, vote.pk])
    response = JsonResponse(card, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def ballot_from_post(vote: Vote, data: Any) -> dict[str, Any]:
    """The ballot's content from the form's fields, in the shape the counting method reads."""
    if data.get("blank"):
        return {"blank": True}
    keys = [option.key for option in vote.options.all()]
    method = vote.method
    if method == Vote.Method.APPROVAL:
        return {"approved": [key for key in data.getlist("approved") if key]}
    if method == Vote.Method.INSTANT_RUNOFF:
        ranking = [data.get(f"rank-{rank}", "") for rank in range(1, len(keys) + 1)]
        return {"ranking": [key for key in ranking if key]}
    if method == Vote.Method.MAJORITY_JUDGMENT:
        grades: dict[str, Any] = {}
        for key in keys:
            value = data.get(f"grade-{key}", "")
            grades[key] = int(value) if value.isdigit() else value
        return {"grades": grades}
    return {"choice": data.get("choice", "")}


@login_required
@require_POST
def ballot_cast(request: CouncilRequest, council_slug: str, vote_id: int) -> HttpResponse:
    vote = _vote(request, vote_id)
    content = ballot_from_post(vote, request.POST)
    grantor = request.POST.get("for_grantor", "")
    if grantor:
        return _cast_for_grantor(request, vote, int(grantor) if grantor.isdigit() else 0, content)
    try:
        receipt = services.ballot_cast(
            actor=request.user, vote_id=vote.pk, content=content, tracker=request.POST.get("tracker") or None,
            for_grantors=[int(value) for value in request.POST.getlist("for_grantors") if value.isdigit()],
        )
    except CouncilError as error:
        context = _page(request, vote, error=error.message)
        return render(request, "ballots/vote_detail.html", context, status=400 if not isinstance(error, AccessDenied) else 403)
    names = dict(proxy_names(vote, [proxy.grantor for proxy in receipt.proxies]))
    proxies = [{"name": names.get(proxy.grantor, ""), "tracker": proxy.tracker, "message": proxy.message}
               for proxy in receipt.proxies]
    return render(request, "ballots/receipt.html", {"vote": vote, "tracker": receipt.tracker, "proxies": proxies})


def _cast_for_grantor(request: CouncilRequest, vote: Vote, grantor_id: int, content: dict[str, Any]) -> HttpResponse:
    """A proxy holder's ballot for one grantor, from that grantor's own form on the vote's page."""
    try:
        receipt = services.ballot_cast_for_grantor(
            actor=request.user, vote_id=vote.pk, grantor_id=grantor_id, content=content,
            tracker=request.POST.get("tracker") or None,
        )
    except CouncilError as error:
        context = _page(request, vote, error=error.message, error_grantor=grantor_id)
        return render(request, "ballots/vote_detail.html", context, status=400 if not isinstance(error, AccessDenied) else 403)
    name = dict(proxy_names(vote, [grantor_id])).get(grantor_id, "")
    return render(request, "ballots/receipt.html", {"vote": vote, "tracker": receipt.tracker, "for_grantor": name})


@login_required
@require_POST
def vote_action(request: CouncilRequest, council_slug: str, vote_id: int, action: str) -> HttpResponse:
    vote = _vote(request, vote_id, "ballots.manage_vote")
    if action not in services.VOTE_STEPS:
        raise Http404
    try:
        services.VOTE_STEPS[action](actor=request.user, vote_id=vote.pk)
    except CouncilError as error:
        messages.error(request, error.message)
    return redirect("vote-detail", council_slug=council_slug, vote_id=vote.pk)


@login_required
def vote_results(request: CouncilRequest, council_slug: str, vote_id: int) -> HttpResponse:
    vote = _vote(request, vote_id, "ballots.view_results")
    mode, why = mode_text(vote)
    context = {
        "vote": vote, "participation": participation_count(vote), "mode": mode, "mode_reason": why,
        "tie_rule": tie_rule_text(vote), "can_see_minutes": request.user.has_perm("ballots.view_minutes", vote),
        **result_view(vote),
    }
    return render(request, "ballots/results.html", context)


@login_required
def vote_minutes(request: CouncilRequest, council_slug: str, vote_id: int) -> HttpResponse:
    vote = _vote(request, vote_id, "ballots.view_minutes")
    return render(request, "ballots/minutes.html", minutes_of(vote))


@login_required
def vote_minutes_odt(request: CouncilRequest, council_slug: str, vote_id: int) -> HttpResponse:
    vote = _vote(request, vote_id, "ballots.view_minutes")
    response = HttpResponse(minutes_odt(minutes_of(vote)), content_type="application/vnd.oasis.opendocument.text")
    response["Content-Disposition"] = f'attachment; filename="minutes-{vote.public_id}.odt"'
    return response


@login_required
def vote_ballots(request: CouncilRequest, council_slug: str, vote_id: int) -> HttpResponse:
    vote = _vote(request, vote_id, "ballots.view_results")
    if vote.status != Vote.Status.PUBLISHED:
        raise Http404
    tracker = request.GET.get("tracker", "").strip()
    found = tracker_find(vote, tracker) if tracker else None
    ballots = list(vote.box.order_by("position").values("position", "tracker", "content", "voter_name", "hash"))
    for ballot in ballots:
        ballot["content"] = json.dumps(ballot["content"], ensure_ascii=False, sort_keys=True)
    context = {"vote": vote, "tracker": tracker, "found": found, "ballots": ballots}
    return render(request, "ballots/ballots.html", context)


@login_required
def vote_box_json(request: CouncilRequest, council_slug: str, vote_id: int) -> HttpResponse:
    vote = _vote(request, vote_id, "ballots.view_results")
    if vote.status != Vote.Status.PUBLISHED:
        raise Http404
    response = JsonResponse(box_publication(vote), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="vote-{vote.public_id}.json"'
    return response


def _paper(request: CouncilRequest, vote_id: int, action: Any, **kwargs: Any) -> HttpResponse:
    """Run a paper-ballot service as an official; its refusal is told on the vote's page."""
    vote = _vote(request, vote_id, "ballots.manage_vote")
    try:
        action(vote, **kwargs)
    except CouncilError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("vote-detail", council_slug=vote.council.slug, vote_id=vote.pk)


@login_required
@require_POST
def paper_register(request: CouncilRequest, council_slug: str, vote_id: int) -> HttpResponse:
    def sign(vote: Vote) -> None:
        elector = vote.electors.filter(user__email__iexact=request.POST.get("email", "").strip()).first()
        if elector is None:
            raise InvalidInput(_("This person is not in the vote's electorate."))
        paper_ballots.paper_participation_mark(actor=request.user, vote_id=vote.pk, user_id=elector.user_id)

    return _paper(request, vote_id, sign)


@login_required
@require_POST
def paper_enter(request: CouncilRequest, council_slug: str, vote_id: int) -> HttpResponse:
    def enter(vote: Vote) -> None:
        paper_ballots.paper_ballot_enter(actor=request.user, vote_id=vote.pk, content=ballot_from_post(vote, request.POST))

    return _paper(request, vote_id, enter)


@login_required
@require_POST
def paper_confirm(request: CouncilRequest, council_slug: str, vote_id: int, paper_id: Any) -> HttpResponse:
    def confirm(vote: Vote) -> None:
        if not vote.paper_ballots.filter(pk=paper_id).exists():
            raise InvalidInput(_("This paper ballot does not exist or is already confirmed."))
        paper_ballots.paper_ballot_confirm(actor=request.user, paper_ballot_id=str(paper_id))

    return _paper(request, vote_id, confirm)
