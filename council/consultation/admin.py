"""Consultations in the admin: prepared there by the council's administrators, per council.

Moderation (hiding, answers, statuses, merges) goes through the consultation's pages, which
call the services and announce the change live; the admin shows contributions read-only.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from council.consultation import markers
from council.consultation.live import rights_changed_on_commit
from council.consultation.models import Category
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import Phase
from council.core.images import ACCEPT
from council.core.images import ImageField
from council.councils.admin import CouncilScopedAdmin
from council.councils.admin import ScopedChoicesMixin
from council.councils.admin import may_administer
from council.verifications.forms import RequirementAdminForm


class _ConsultationInline(ScopedChoicesMixin, admin.TabularInline):  # type: ignore[misc, type-arg]  # as the other scoped inlines
    extra = 0

    # Django would ask model permissions ("consultation.view_phase") no role grants: ask the admin's own.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_administer(request.user, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_administer(request.user, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_administer(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_administer(request.user, obj)


class PhaseInline(_ConsultationInline):
    model = Phase
    fields = ["kind", "starts_at", "ends_at"]


class CategoryInline(_ConsultationInline):
    model = Category
    fields = ["position", "name"]


class ConsultationAdminForm(RequirementAdminForm):
    image = ImageField(
        label=_("image"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=Consultation._meta.get_field("image").help_text,
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("image") and not (data.get("image_description") or "").strip():
            self.add_error("image_description", _("Say in a few words what the image shows, for those who cannot see it."))
        return data


@admin.register(Consultation)
class ConsultationAdmin(CouncilScopedAdmin):
    form = ConsultationAdminForm
    list_display = ["title", "council", "is_published", "created_at"]
    list_filter = ["council", "is_published"]
    search_fields = ["title"]
    fields = [
        "council", "title", "description", "language", "image", "image_description", "is_published", "eligible_groups",
        "min_age", "max_age", "edit_minutes", "embed_origins", "verification_requirement",
    ]
    filter_horizontal = ["eligible_groups"]
    inlines = [PhaseInline, CategoryInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Phases, groups and publication decide who may do what: open pages learn it live."""
        super().save_related(request, form, formsets, change)
        rights_changed_on_commit(form.instance.pk)


@admin.register(Contribution)
class ContributionAdmin(CouncilScopedAdmin):
    list_display = ["title", "consultation", "status", "hidden", "created_at"]
    list_filter = ["consultation__council", "status", "hidden"]
    search_fields = ["title"]
    readonly_fields = [
        "consultation", "author", "title", "body", "category", "latitude", "longitude", "image", "image_description", "status", "status_reason",
        "hidden", "hidden_reason", "answer", "answered_by", "answered_at", "merged_into", "withdrawn_at",
        "created_at", "edited_at",
    ]
    exclude = ["client_request_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Contribution) -> None:
        markers.markers_changed_on_commit(obj.consultation_id)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Contribution]) -> None:
        for consultation_id in set(queryset.values_list("consultation_id", flat=True)):
            markers.markers_changed_on_commit(consultation_id)
        super().delete_queryset(request, queryset)
