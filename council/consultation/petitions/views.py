"""Pages of petitions, under /c/<council_slug>/petitions/: thin, the services decide.

Visitors read; opening and signing need an account. Every write is a plain form (no script
needed); the petition's open pages hear the count live (live.py, the petition's socket).
"""

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from council.consultation.petitions import live
from council.consultation.petitions import permissions as perms
from council.consultation.petitions import selectors
from council.consultation.petitions import services
from council.consultation.petitions.forms import AnswerForm
from council.consultation.petitions.forms import PetitionForm
from council.consultation.petitions.forms import SettingsForm
from council.consultation.petitions.models import Petition
from council.core.errors import AccessDenied
from council.core.errors import CouncilError
from council.core.i18n import plural_forms
from council.core.memo import remembered
from council.verifications.forms import requirement_from
from council.verifications.requirements import obtain_url
from council.verifications.requirements import requirement_of


def _petition(request: Any, petition_id: int) -> Petition:
    try:
        return perms.access_petition(request.user, petition_id, council_id=request.council.pk)
    except AccessDenied as error:
        raise Http404 from error


def _signing(user: Any, petition: Petition, page: str) -> dict[str, Any]:
    """Whether `user` may sign, else why in words and, for a missing verification, where to obtain it."""
    reason = perms.why_not_sign(user, petition)
    missing = bool(reason) and user.is_authenticated and reason == perms.verification_reason(petition)
    return {
        "can_sign": not reason,
        "why_not_sign": reason,
        "verification_link": obtain_url(petition.council, requirement_of(petition), page) if missing else "",
        "verification": requirement_of(petition).describe(),
    }


def petition_list(request: Any, council_slug: str) -> HttpResponse:
    user = request.user
    with remembered():  # the person's role and verifications are read once, not once per petition
        petitions = [
            (petition, _signing(user, petition, request.get_full_path()) if petition.status == Petition.Status.OPEN else {})
            for petition in selectors.petition_list(council=request.council, user=user)
        ]
        context = {
            "petitions": petitions,
            "can_open": user.has_perm(perms.OPEN, request.council),
            "can_manage": user.has_perm(perms.MANAGE, request.council),
            "settings": selectors.settings_for(request.council),
        }
    return render(request, "petitions/petition_list.html", context)


@login_required
def petition_new(request: Any, council_slug: str) -> HttpResponse:
    if not request.user.has_perm(perms.OPEN, request.council):
        raise PermissionDenied
    form = PetitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            petition = services.petition_open(
                actor=request.user, council=request.council, title=data["title"], body=data["body"], request_id=data["request_id"]
            )
        except CouncilError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your petition is open for signatures."))
            return redirect("petition-detail", council_slug=council_slug, petition_id=petition.pk)
    status = 400 if form.is_bound else 200
    return render(request, "petitions/petition_new.html", {"form": form}, status=status)


def petition_detail(request: Any, council_slug: str, petition_id: int) -> HttpResponse:
    petition = _petition(request, petition_id)
    user = request.user
    state = selectors.petition_state(petition)
    with remembered():  # the rules ask the person's role more than once
        signing = _signing(user, petition, request.get_full_path())
        can_answer = user.has_perm(perms.ANSWER, petition)
    context = {
        "petition": petition,
        "state": state,
        "signed": selectors.has_signed(petition, user),
        **signing,
        "can_answer": can_answer,
        "answer_form": AnswerForm(initial={"answer": petition.answer}),
        "socket_path": f"/ws/c/{council_slug}/petitions/{petition.pk}/",
        "strings": {
            "signatures": plural_forms(lambda n: ngettext("%(count)s signature", "%(count)s signatures", n)),
            "reached": _("The petition reached its threshold: it goes on a meeting's agenda and awaits the council's answer."),
            "answered": _("The council answered the petition."),
        },
    }
    return render(request, "petitions/petition_detail.html", context)


@require_POST
async def petition_sign(request: Any, council_slug: str, petition_id: int) -> HttpResponse:
    """Sign (sign=1) or take one's signature back (sign=0); the count reaches open pages coalesced."""
    user = await request.auser()
    page = reverse("petition-detail", args=[council_slug, petition_id])
    if not user.is_authenticated:
        return redirect_to_login(page)
    await sync_to_async(_petition)(request, petition_id)
    service = services.petition_unsign if request.POST.get("sign") == "0" else services.petition_sign
    try:
        await sync_to_async(service)(actor=user, petition_id=petition_id)
    except CouncilError as error:
        await sync_to_async(messages.error)(request, error.message)
    else:
        await live.signatures_changed_soon(petition_id)
    return redirect(page)


@require_POST
@login_required
def petition_answer(request: Any, council_slug: str, petition_id: int) -> HttpResponse:
    petition = _petition(request, petition_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.petition_answer(actor=request.user, petition_id=petition.pk, answer=form.cleaned_data["answer"])
        except CouncilError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The answer is published and the signers are notified."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect("petition-detail", council_slug=council_slug, petition_id=petition.pk)


@login_required
def petition_settings(request: Any, council_slug: str) -> HttpResponse:
    council = request.council
    if not request.user.has_perm(perms.MANAGE, council):
        raise PermissionDenied
    current = selectors.settings_for(council)
    initial = {
        "threshold": current.threshold, "meeting_room": current.meeting_room_id,
        "verification_requirement": current.verification_requirement,
    }
    form = SettingsForm(request.POST or None, initial=initial, council=council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.petition_settings_save(
                actor=request.user, council=council, threshold=data["threshold"],
                meeting_room_id=data["meeting_room"], verification_requirement=requirement_from(data),
            )
        except CouncilError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The petition settings are saved."))
            return redirect("petition-list", council_slug=council_slug)
    return render(request, "petitions/petition_settings.html", {"form": form}, status=400 if form.is_bound else 200)
