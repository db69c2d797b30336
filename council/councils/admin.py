"""Django admin, limited for council administrators to the councils they administer."""

from django import forms
from django.contrib import admin
from django.contrib import messages
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from council.accounts.models import User
from council.councils import services
from council.councils import tenancy
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.models import Role
from council.councils.selectors import council_list_for
from council.councils.selectors import member_list
from council.councils.selectors import people_in


def administered_councils(user: User | AnonymousUser) -> QuerySet[Council]:
    if user.is_superuser:
        return Council.objects.all()
    return Council.objects.filter(
        pk__in=[c.pk for c in council_list_for(user=user) if user.has_perm("councils.manage_council", c)]
    )


def may_administer(user: User | AnonymousUser, obj: Model | None = None) -> bool:
    """Whether `user` administers the council of `obj` (of any council, without `obj`)."""
    if user.is_superuser:
        return True
    if obj is None:
        return administered_councils(user).exists()
    council = tenancy.council_of(obj)
    return council is not None and user.has_perm("councils.manage_council", council)


class SameCouncilForm(forms.ModelForm):
    """Refuse many-to-many choices of another council (a model's clean() cannot see them).

    Foreign keys are checked by the model (`SameCouncilMixin.clean`, through full_clean).
    """

    def clean(self):
        data = super().clean()
        chosen = {
            name: data[name]
            for name, field in self.fields.items()
            if isinstance(field, forms.ModelMultipleChoiceField) and data.get(name) is not None
        }
        if chosen:  # the other fields tell which council the object is in
            for name, error in tenancy.foreign_choices(self.instance, data).items():
                if name in chosen:
                    self.add_error(name, error)
        return data


class ScopedChoicesMixin:
    """Offer, in every foreign key and many-to-many field, only the administered councils' objects.

    Which council an object belongs to comes from council/councils/tenancy.py; people
    (instance-wide) are offered only if they hold a role in one of those councils, so the
    admin does not list the instance's people. Superusers keep everything.
    """

    form = SameCouncilForm

    def _scoped_choices(self, db_field, request, queryset):
        if queryset is None:
            queryset = self.get_field_queryset(None, db_field, request)
        if queryset is None:
            queryset = db_field.related_model._default_manager.all()
        councils = administered_councils(request.user)
        if tenancy.is_tenant_model(db_field.related_model):
            return tenancy.scope(queryset, councils)
        if db_field.related_model is User:
            return queryset.filter(pk__in=people_in(councils=councils))
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            kwargs["queryset"] = self._scoped_choices(db_field, request, kwargs.get("queryset"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            kwargs["queryset"] = self._scoped_choices(db_field, request, kwargs.get("queryset"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CouncilScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Show and change only objects of councils the user administers."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return tenancy.scope(queryset, administered_councils(request.user))

    def _allowed(self, request, obj=None) -> bool:
        return may_administer(request.user, obj)

    def get_list_filter(self, request):
        """Filter by related objects that occur in the rows shown, not by every council's."""
        return [
            (name, admin.RelatedOnlyFieldListFilter)
            if isinstance(name, str) and get_fields_from_path(self.model, name)[-1].is_relation
            else name
            for name in super().get_list_filter(request)
        ]

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)


class SuperuserFieldsMixin:
    """Fields only the instance's superuser may set: read-only for anyone else, a forged post refused.

    Read-only fields are left out of the form, so a forged post would be ignored in silence;
    it is refused instead, so that whoever tried knows it did not happen.
    """

    SUPERUSER_FIELDS: frozenset[str] = frozenset()

    def get_readonly_fields(self, request, obj=None):
        shown = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return shown if request.user.is_superuser else [*shown, *sorted(self.SUPERUSER_FIELDS)]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and not request.user.is_superuser and set(request.POST) & self.SUPERUSER_FIELDS:
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]


class RoleForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a registered person"))
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("No role")), *Role.choices], required=False)


@admin.register(Council)
class CouncilAdmin(SuperuserFieldsMixin, CouncilScopedAdmin):
    # The host name decides which council a request is for (CurrentCouncilMiddleware):
    # a council's administrator who set it to the instance's own host would take it.
    SUPERUSER_FIELDS = frozenset({"slug", "host_name"})
    list_display = ["name", "slug", "host_name", "brand_colour"]
    prepopulated_fields = {"slug": ["name"]}
    change_form_template = "admin/councils/council/change_form.html"

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        return queryset & administered_councils(request.user)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            services.audit_record(
                actor=request.user, action=AuditEntry.Action.COUNCIL_CHANGED, target=obj,
                details={"fields": form.changed_data},
            )

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if request.user.is_superuser else {}

    def get_urls(self):
        extra = [
            path(
                "<int:council_id>/roles/",
                self.admin_site.admin_view(self.roles_view),
                name="councils_council_roles",
            )
        ]
        return extra + super().get_urls()

    def roles_view(self, request, council_id):
        council = get_object_or_404(Council, pk=council_id)
        if not request.user.has_perm("councils.manage_roles", council):
            raise PermissionDenied
        form = RoleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
            if user is None:
                form.add_error("email", _("Nobody has registered with this address yet."))
            else:
                role = form.cleaned_data["role"]
                if role:
                    services.role_grant(actor=request.user, council=council, user=user, role=Role(role))
                else:
                    services.role_revoke(actor=request.user, council=council, user=user)
                messages.success(request, _("The role of %(user)s was saved.") % {"user": user.email})
                return redirect("admin:councils_council_roles", council_id=council.pk)
        users = User.objects.in_bulk([uid for uid, _role in member_list(council=council)])
        people = [(users[uid], role) for uid, role in member_list(council=council) if uid in users]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Roles in %(council)s") % {"council": council.name},
            "council": council,
            "form": form,
            "people": people,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/councils/council/roles.html", context)


@admin.register(AuditEntry)
class AuditEntryAdmin(CouncilScopedAdmin):
    """Read-only for everyone: the log is written by the services, never by hand."""

    list_display = ["at", "council", "actor", "action", "target_text"]
    list_filter = ["action", "council"]
    search_fields = ["target_text"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
