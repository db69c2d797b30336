"""A resident's profile in a council, and the questions its administrators ask."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from council.core.submit import submit
from council.groups import services
from council.groups.forms_profiles import AttributeForm
from council.groups.forms_profiles import ResidentProfileForm
from council.groups.models import ProfileAttribute
from council.groups.models import ResidentProfile
from council.groups.views.zones import map_config
from council.groups.views.zones import zones_feature_collection


@login_required
@require_http_methods(["GET", "POST"])
def council_profile(request, council_slug):
    council = request.council
    if not request.user.has_perm("groups.edit_profile", council):
        raise PermissionDenied
    profile = ResidentProfile.objects.filter(council=council, user=request.user).select_related("zone").first()
    form = ResidentProfileForm(request.POST or None, council=council, profile=profile)
    if request.method == "POST" and form.is_valid():
        outcome = submit(
            lambda: services.profile_update(actor=request.user, council=council, answers=form.answers(), **form.location()),
            form=form,
        )
        if outcome.done:
            messages.success(request, _("Your profile was saved."))
            return redirect("council-profile", council_slug=council.slug)
    return render(
        request,
        "groups/profile.html",
        {
            "council": council,
            "profile": profile,
            "form": form,
            "zones_geojson": zones_feature_collection(council),
            "map_config": map_config(mode="pick"),
        },
    )


def _managed_attribute(request, attribute_id: int | None) -> ProfileAttribute | None:
    if not request.user.has_perm("groups.manage_attributes", request.council):
        raise PermissionDenied
    if attribute_id is None:
        return None
    attribute = ProfileAttribute.objects.filter(council=request.council, pk=attribute_id).first()
    if attribute is None:
        raise Http404
    return attribute


@login_required
def attribute_list(request, council_slug):
    _managed_attribute(request, None)
    attributes = request.council.profile_attributes.all()
    return render(request, "groups/profile_questions.html", {"council": request.council, "attributes": attributes})


@login_required
@require_http_methods(["GET", "POST"])
def attribute_edit(request, council_slug, attribute_id=None):
    """Add a question (no id) or change one."""
    attribute = _managed_attribute(request, attribute_id)
    initial = AttributeForm.initial_from(attribute) if attribute else None
    form = AttributeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if attribute is None:
            outcome = submit(
                lambda: services.attribute_create(actor=request.user, council=request.council, **form.cleaned_data),
                form=form,
            )
        else:
            outcome = submit(
                lambda: services.attribute_update(actor=request.user, attribute=attribute, **form.cleaned_data),
                form=form,
            )
        if outcome.done:
            messages.success(request, _("The question was saved."))
            return redirect("attribute-list", council_slug=council_slug)
    return render(
        request,
        "groups/profile_question_form.html",
        {"council": request.council, "attribute": attribute, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def attribute_delete(request, council_slug, attribute_id):
    attribute = _managed_attribute(request, attribute_id)
    error = None
    if request.method == "POST":
        outcome = submit(lambda: services.attribute_delete(actor=request.user, attribute=attribute))
        error = outcome.error
        if outcome.done:
            messages.success(request, _("The question and its answers were deleted."))
            return redirect("attribute-list", council_slug=council_slug)
    answered = attribute.values.values("profile").distinct().count()
    return render(
        request,
        "groups/profile_question_delete.html",
        {"council": request.council, "attribute": attribute, "answered": answered, "error": error},
    )


urlpatterns = [
    path("profile/", council_profile, name="council-profile"),
    path("questions/", attribute_list, name="attribute-list"),
    path("questions/add/", attribute_edit, name="attribute-create"),
    path("questions/<int:attribute_id>/", attribute_edit, name="attribute-update"),
    path("questions/<int:attribute_id>/delete/", attribute_delete, name="attribute-delete"),
]
