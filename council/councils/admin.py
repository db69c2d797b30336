"""Django admin, limited for council administrators to the councils they administer."""

from functools import reduce

from django import forms
from django.contrib import admin
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from council.accounts.models import User
from council.councils import services
from council.councils.models import Council
from council.councils.models import Role
from council.councils.selectors import council_list_for
from council.councils.selectors import member_list


def administered_councils(user):
    if user.is_superuser:
        return Council.objects.all()
    return Council.objects.filter(
        pk__in=[c.pk for c in council_list_for(user=user) if user.has_perm("councils.manage_council", c)]
    )


class CouncilScopedAdmin(admin.ModelAdmin):
    """Show and change only objects of councils the user administers."""

    council_path = "council"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.council_path}__in": administered_councils(request.user)})

    def _allowed(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        if obj is None:
            return administered_councils(request.user).exists()
        council = obj if isinstance(obj, Council) else reduce(getattr, self.council_path.split("__"), obj)
        return request.user.has_perm("councils.manage_council", council)

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Council and not request.user.is_superuser:
            kwargs["queryset"] = administered_councils(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RoleForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a registered person"))
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("No role")), *Role.choices], required=False)


@admin.register(Council)
class CouncilAdmin(CouncilScopedAdmin):
    council_path = "pk"
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
