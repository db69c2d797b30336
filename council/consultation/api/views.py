"""The open API's endpoints: read-only, anonymous, throttled (REST_FRAMEWORK in settings), paged by cursor.

Only published consultations, their visible contributions and their visible comments; on a
council's own host name, only that council's (as its pages). Writes are not offered.
"""

from functools import cache
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from council.consultation import search
from council.consultation import selectors
from council.consultation.api.serializers import CommentSerializer
from council.consultation.api.serializers import ConsultationSerializer
from council.consultation.api.serializers import ContributionSerializer
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import Contribution

#: the list's orders (the pages' random order is per visitor: not offered here)
ORDERINGS = {
    "recent": ("-created_at", "-pk"),
    "endorsed": ("-endorsement_count", "-created_at", "-pk"),
    "commented": ("-comment_count", "-created_at", "-pk"),
}
THROTTLED = OpenApiResponse(description="Too many requests from this address: try again after Retry-After seconds.")
NOT_FOUND = OpenApiResponse(description="No such published consultation or visible contribution, or an invalid cursor.")
INVALID = OpenApiResponse(description="A filter's value is not one of those allowed.")


class Cursor(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-pk")

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        return getattr(view, "ordering", self.ordering)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # a forged cursor may carry a position that is not a date or a number
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, DjangoValidationError) as error:
            raise NotFound(self.invalid_cursor_message) from error


class OldestFirst(Cursor):
    ordering = ("created_at", "pk")


def published_consultations(request: Request) -> QuerySet[Consultation]:
    consultations = Consultation.objects.filter(is_published=True)
    host_council = getattr(request._request, "host_council", None)
    if host_council is not None:
        consultations = consultations.filter(council=host_council)
    return consultations


def _published(request: Request, consultation_id: int) -> Consultation:
    consultation = published_consultations(request).filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFound
    return consultation


def _visible(request: Request, contribution_id: int) -> Contribution:
    contribution = (
        Contribution.objects.visible().filter(pk=contribution_id, consultation__in=published_consultations(request)).first()
    )
    if contribution is None:
        raise NotFound
    return contribution


@extend_schema(
    summary="Published consultations",
    parameters=[OpenApiParameter("council", OpenApiTypes.STR, description="Only this council's (its slug).")],
    responses={200: ConsultationSerializer(many=True), 404: NOT_FOUND, 429: THROTTLED},
)
class ConsultationList(generics.ListAPIView[Consultation]):
    serializer_class = ConsultationSerializer
    pagination_class = Cursor

    def get_queryset(self) -> QuerySet[Consultation]:
        consultations = published_consultations(self.request).select_related("council").prefetch_related("phases", "categories")
        council = (self.request.query_params.get("council") or "").replace("\x00", "")
        return consultations.filter(council__slug=council) if council else consultations


@extend_schema(summary="A published consultation", responses={200: ConsultationSerializer, 404: NOT_FOUND, 429: THROTTLED})
class ConsultationDetail(generics.RetrieveAPIView[Consultation]):
    serializer_class = ConsultationSerializer

    def get_object(self) -> Consultation:
        consultation = _published(self.request, self.kwargs["consultation_id"])
        return Consultation.objects.select_related("council").prefetch_related("phases", "categories").get(pk=consultation.pk)


@extend_schema(
    summary="The visible contributions of a published consultation",
    parameters=[
        OpenApiParameter("sort", OpenApiTypes.STR, enum=list(ORDERINGS), description="Their order (recent by default)."),
        OpenApiParameter("q", OpenApiTypes.STR, description="Words searched in their titles, texts and comments, in the consultation's language."),
        OpenApiParameter("category", OpenApiTypes.INT, description="Only this category's (its id)."),
        OpenApiParameter("status", OpenApiTypes.STR, enum=Contribution.Status.values, description="Only those with this status."),
    ],
    responses={200: ContributionSerializer(many=True), 400: INVALID, 404: NOT_FOUND, 429: THROTTLED},
)
class ContributionList(generics.ListAPIView[Contribution]):
    serializer_class = ContributionSerializer
    pagination_class = Cursor

    def get_queryset(self) -> QuerySet[Contribution]:
        consultation = _published(self.request, self.kwargs["consultation_id"])
        params = self.request.query_params
        sort = params.get("sort") or "recent"
        status = params.get("status") or ""
        category = params.get("category") or ""
        errors = {}
        if sort not in ORDERINGS:
            errors["sort"] = f"One of: {', '.join(ORDERINGS)}."
        if status and status not in Contribution.Status.values:
            errors["status"] = f"One of: {', '.join(Contribution.Status.values)}."
        try:
            category_id = int(category) if category else None
        except ValueError:
            errors["category"] = "A category's id (a number)."
        if errors:
            raise ValidationError(errors)
        self.ordering = ORDERINGS[sort]
        return selectors.contributions_sorted(
            consultation, sort=sort, text=(params.get("q") or "")[: search.MAX_SEARCH_CHARS].replace("\x00", ""),
            category_id=category_id, status=status,
        ).select_related("consultation__council")


@extend_schema(summary="A visible contribution", responses={200: ContributionSerializer, 404: NOT_FOUND, 429: THROTTLED})
class ContributionDetail(generics.RetrieveAPIView[Contribution]):
    serializer_class = ContributionSerializer

    def get_object(self) -> Contribution:
        contribution = _visible(self.request, self.kwargs["contribution_id"])
        return Contribution.objects.select_related("author", "category", "consultation__council").get(pk=contribution.pk)


@extend_schema(summary="The visible comments of a visible contribution, oldest first", responses={200: CommentSerializer(many=True), 404: NOT_FOUND, 429: THROTTLED})
class CommentList(generics.ListAPIView[Comment]):
    serializer_class = CommentSerializer
    pagination_class = OldestFirst

    def get_queryset(self) -> QuerySet[Comment]:
        contribution = _visible(self.request, self.kwargs["contribution_id"])
        return Comment.objects.filter(contribution=contribution, hidden=False).select_related("author")


def api_docs(request: Any) -> Any:
    """The API's documentation as a plain page, from its OpenAPI schema (no script: the CSP allows none from elsewhere)."""
    schema = _schema()
    endpoints = [
        {"path": path, "method": method.upper(), "summary": operation.get("summary", ""), "parameters": operation.get("parameters", [])}
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    return render(request, "consultation/api_docs.html", {"endpoints": endpoints, "info": schema["info"]})


@cache
def _schema() -> dict[str, Any]:
    return dict(SchemaGenerator().get_schema(request=None, public=True))
