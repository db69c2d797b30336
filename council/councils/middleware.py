"""Resolve which council a request is for, so every page carries that council's brand.

A council with its own host name is served only there: on that host, another
council's pages answer 404 (a resident of council A never sees council B).
"""

from django.http import Http404
from django.http import HttpRequest
from django.utils.deprecation import MiddlewareMixin

from council.accounts.models import User
from council.councils.models import Council


class CouncilRequest(HttpRequest):
    """A signed-in person's request for one council's page, as the views receive it.

    For the type checker: login_required lets only signed-in people through, and on a URL
    with a council slug this middleware sets `council` (or answers 404).
    """

    user: User
    council: Council
    host_council: Council | None


class CurrentCouncilMiddleware(MiddlewareMixin):
    def process_request(self, request):
        host = request.get_host().split(":")[0].lower()
        request.host_council = Council.objects.filter(host_name=host).first()
        request.council = request.host_council

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("council_slug")
        if slug is None:
            return None
        if request.host_council is not None and request.host_council.slug != slug:
            raise Http404
        request.council = Council.objects.filter(slug=slug).first()
        if request.council is None:
            raise Http404
        return None
