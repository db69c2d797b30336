"""HTTP pages of the meeting rules: the rules, proxies, the hall's sign-in and its rotating code."""

import io
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.errors import CouncilError
from council.councils.middleware import CouncilRequest
from council.councils.models import Council
from council.voting.assembly import selectors
from council.voting.assembly import services
from council.voting.assembly.forms import MeetingRulesForm
from council.voting.assembly.forms import ProxyForm
from council.voting.assembly.hall_code import hall_code
from council.voting.assembly.hall_code import hall_code_is_fresh
from council.voting.assembly.models import HallPresence
from council.voting.assembly.models import Proxy
from council.voting.assembly.models import Sitting


def _sitting(request: CouncilRequest, sitting_id: int, perm: str | None = None) -> Sitting:
    sitting = Sitting.objects.select_related("room__council").filter(
        pk=sitting_id, room__council=request.council
    ).first()
    if sitting is None or not request.user.has_perm(perm or "rooms.view_room", sitting.room):
        raise Http404
    return sitting


@login_required
def rules_edit(request: CouncilRequest, council_slug: str) -> HttpResponse:
    if not request.user.has_perm("assembly.manage_rules", request.council):
        raise Http404
    rules = selectors.rules_get(council=request.council)
    form = MeetingRulesForm(request.POST or None, instance=rules)
    if request.method == "POST" and form.is_valid():
        services.rules_update(actor=request.user, rules=form.instance, changed=form.changed_data)
        messages.success(request, _("The meeting rules are saved."))
        return redirect("assembly-rules", council_slug)
    return render(request, "assembly/rules.html", {"form": form})


def _people_in_office(council: Council) -> list[tuple[int, str]]:
    ids = selectors.members_in_office(council=council)
    return [(user.pk, str(user.public_name)) for user in User.objects.filter(pk__in=ids).order_by("display_name", "pk")]


@login_required
def proxies(request: CouncilRequest, council_slug: str) -> HttpResponse:
    council = request.council
    official = request.user.has_perm("assembly.sign_in_people", council)
    may_give = request.user.has_perm("assembly.give_proxy", council)
    if not (official or may_give):
        raise Http404
    people = _people_in_office(council)
    paper = request.method == "POST" and request.POST.get("form") == "paper" and official
    data = request.POST if request.method == "POST" else None
    form = ProxyForm(None if paper else data, people=people, paper=False) if may_give else None
    paper_form = ProxyForm(data if paper else None, people=people, paper=True, prefix="paper") if official else None
    bound = paper_form if paper else form
    if bound is not None and bound.is_bound and bound.is_valid():
        try:
            services.proxy_give(
                actor=request.user,
                council=council,
                holder_id=bound.cleaned_data["holder"],
                grantor_id=bound.cleaned_data.get("grantor"),
                valid_from=bound.cleaned_data["valid_from"],
                valid_until=bound.cleaned_data["valid_until"],
                statement=bound.cleaned_data["statement"],
            )
        except CouncilError as error:
            bound.add_error(None, error.message)
        else:
            messages.success(request, _("The proxy is recorded."))
            return redirect("assembly-proxies", council_slug)
    context = {
        "form": form,
        "paper_form": paper_form,
        "mine": selectors.proxies_of(user=request.user, council=council),
        "all": Proxy.objects.filter(council=council, revoked_at__isnull=True).select_related("grantor", "holder")
        if official
        else None,
        "may_give": may_give,
        "rules": selectors.rules_get(council=council),
    }
    return render(request, "assembly/proxies.html", context)


@login_required
@require_POST
def proxy_revoke(request: CouncilRequest, council_slug: str, proxy_id: int) -> HttpResponse:
    if not Proxy.objects.filter(pk=proxy_id, council=request.council).exists():
        raise Http404
    try:
        services.proxy_revoke(actor=request.user, proxy_id=proxy_id)
    except AccessDenied as error:
        raise Http404 from error
    messages.success(request, _("The proxy is revoked."))
    return redirect("assembly-proxies", council_slug)


@login_required
def sign_in(request: CouncilRequest, council_slug: str, sitting_id: int) -> HttpResponse:
    """The officials' sign-in sheet: find a person by name, sign them in or out (plain forms)."""
    sitting = _sitting(request, sitting_id, "assembly.sign_in_people")
    if request.method == "POST":
        service = services.hall_sign_in if request.POST.get("action") == "in" else services.hall_sign_out
        try:
            service(actor=request.user, sitting_id=sitting.pk, user_id=int(request.POST.get("user", 0)))
        except (CouncilError, ValueError) as error:
            messages.error(request, getattr(error, "message", _("Choose a person.")))
        query = urlencode({"q": request.POST.get("q", "")})
        return redirect(f"{reverse('assembly-sign-in', args=[council_slug, sitting.pk])}?{query}")
    query = request.GET.get("q", "").strip()
    in_hall = set(HallPresence.objects.filter(sitting=sitting, left_at__isnull=True).values_list("user_id", flat=True))
    in_office = selectors.members_in_office(council=request.council)
    people = User.objects.filter(pk__in=in_office | in_hall).order_by("display_name", "pk")
    if query:
        people = people.filter(display_name__icontains=query)
    rows = [{"user": person, "in_hall": person.pk in in_hall} for person in people[:200]]
    status = selectors.quorum_status(sitting) if sitting.closed_at is None else None
    return render(
        request, "assembly/sign_in.html", {"sitting": sitting, "rows": rows, "query": query, "status": status}
    )


def _scan_url(request: CouncilRequest, sitting: Sitting) -> str:
    path = reverse("assembly-hall-scan", args=[sitting.room.council.slug, sitting.pk, hall_code(sitting.pk)])
    url: str = request.build_absolute_uri(path)
    return url


@login_required
def hall_screen(request: CouncilRequest, council_slug: str, sitting_id: int) -> HttpResponse:
    """The code for the shared screen: the QR code and its address, renewed by the page's script."""
    sitting = _sitting(request, sitting_id, "assembly.sign_in_people")
    return render(request, "assembly/hall_screen.html", {"sitting": sitting, "scan_url": _scan_url(request, sitting)})


@login_required
def hall_qr(request: CouncilRequest, council_slug: str, sitting_id: int) -> HttpResponse:
    sitting = _sitting(request, sitting_id, "assembly.sign_in_people")
    out = io.BytesIO()
    segno.make(_scan_url(request, sitting), error="m").save(out, kind="svg", scale=8, border=2, title=_("Sign in to the hall"))
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def hall_scan(request: CouncilRequest, council_slug: str, sitting_id: int, code: str) -> HttpResponse:
    """Where the hall's QR code leads: after log-in, a button signs the person in (a fresh code only)."""
    sitting = _sitting(request, sitting_id)
    signed = False
    error = None
    if request.method == "POST":
        try:
            services.hall_sign_in_by_code(actor=request.user, sitting_id=sitting.pk, code=code)
            signed = True
        except CouncilError as refusal:
            error = refusal.message
    elif sitting.closed_at is not None or not hall_code_is_fresh(sitting.pk, code):
        error = _("This code has expired: scan the code shown in the hall now.")
    present = selectors.present_people(sitting).get(request.user.pk or 0) == selectors.HALL
    return render(
        request,
        "assembly/hall_scan.html",
        {"sitting": sitting, "signed": signed or present, "error": error},
        status=400 if error else 200,
    )
