"""Django admin for groups, profile questions and zones, limited to administered councils.

Groups are written through the services (rule validation, access re-checks, coordinator
grants); zones are imported from GeoJSON on the council's zones page, so here they can
only be renamed or deleted.
"""

from django import forms
from django.contrib import admin
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from council.core.errors import InvalidInput
from council.councils.admin import CouncilScopedAdmin
from council.councils.models import AuditEntry
from council.councils.services import audit_record
from council.groups import services
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ProfileAttribute
from council.groups.models import Zone
from council.groups.segments import compile_rule


class GroupAdminForm(forms.ModelForm):
    class Meta:
        model = NeighbourhoodGroup
        fields = ["council", "name", "description", "kind", "join_policy", "rule"]

    def clean(self):
        data = super().clean()
        council = data.get("council") or getattr(self.instance, "council", None)
        if council is not None and data.get("kind") == NeighbourhoodGroup.Kind.SEGMENT:
            try:
                compile_rule(council, data.get("rule") or {})
            except InvalidInput as error:
                raise ValidationError({"rule": error.message}) from error
        return data


@admin.register(NeighbourhoodGroup)
class NeighbourhoodGroupAdmin(CouncilScopedAdmin):
    form = GroupAdminForm
    list_display = ["name", "council", "kind", "join_policy", "created_at"]
    list_filter = ["council", "kind", "join_policy"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        return ["council", "kind"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in ("name", "description", "join_policy", "rule")}
        if change:
            # The form has already changed `obj`; the service compares with the stored group.
            stored = NeighbourhoodGroup.objects.get(pk=obj.pk)
            services.group_update(actor=request.user, group=stored, **fields)
        else:
            created = services.group_create(
                actor=request.user, council=form.cleaned_data["council"], kind=form.cleaned_data["kind"], **fields
            )
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.group_delete(actor=request.user, group=obj)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            services.group_delete(actor=request.user, group=group)


class AttributeAdminForm(forms.ModelForm):
    class Meta:
        model = ProfileAttribute
        fields = ["council", "key", "label", "kind", "choices", "purpose", "position"]

    def clean(self):
        data = super().clean()
        choices = data.get("choices")
        choice_kind = data.get("kind") in (ProfileAttribute.Kind.CHOICE, ProfileAttribute.Kind.MULTI_CHOICE)
        if choice_kind and (not isinstance(choices, list) or not choices):
            raise ValidationError({"choices": _('A list of values, e.g. ["mobility", "housing"].')})
        return data


@admin.register(ProfileAttribute)
class ProfileAttributeAdmin(CouncilScopedAdmin):
    form = AttributeAdminForm
    list_display = ["label", "key", "council", "kind", "position"]
    list_filter = ["council", "kind"]
    search_fields = ["label", "key"]
    prepopulated_fields = {"key": ["label"]}

    def get_readonly_fields(self, request, obj=None):
        return ["council", "position"] if obj is not None else ["position"]

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in ("label", "kind", "choices", "purpose")}
        if change:
            stored = ProfileAttribute.objects.get(pk=obj.pk)
            services.attribute_update(actor=request.user, attribute=stored, key=form.cleaned_data["key"], **fields)
        else:
            created = services.attribute_create(
                actor=request.user, council=form.cleaned_data["council"], key=form.cleaned_data["key"], **fields
            )
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.attribute_delete(actor=request.user, attribute=obj)

    def delete_queryset(self, request, queryset):
        for attribute in queryset:
            services.attribute_delete(actor=request.user, attribute=attribute)


@admin.register(Zone)
class ZoneAdmin(CouncilScopedAdmin):
    list_display = ["name", "slug", "council"]
    list_filter = ["council"]
    search_fields = ["name", "slug"]
    readonly_fields = ["council", "slug", "geometry", "min_lon", "min_lat", "max_lon", "max_lat"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # Only the name can change here (the slug that segment rules name stays as it is).
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=AuditEntry.Action.ZONE_SAVED, target=obj, details={"reshaped": False})

    def get_actions(self, request):
        # One zone at a time, so that a refusal (a segment names it) is told, not a 500.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except InvalidInput as error:
            messages.error(request, error.message)
            return redirect("admin:groups_zone_change", object_id)

    def delete_model(self, request, obj):
        services.zone_delete(actor=request.user, zone=obj)
