"""Group pages: list, create and edit (with the segment builder), detail, memberships, CSV."""

import io

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.selectors import role_get
from council.groups import csv_io
from council.groups import services
from council.groups.forms_groups import ConditionFormSet
from council.groups.forms_groups import GroupForm
from council.groups.forms_groups import ImportForm
from council.groups.forms_groups import InviteForm
from council.groups.forms_groups import rows_from_rule
from council.groups.forms_groups import rule_from_rows
from council.groups.forms_groups import value_hints
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.selectors import group_list_visible_to
from council.groups.selectors import group_members
from council.groups.selectors import membership_get

MEMBERS_SHOWN = 50


def _group(request, group_id: int, perm: str = "groups.view_group") -> NeighbourhoodGroup:
    """The council's group if the person may `perm` on it; 404 for missing and forbidden alike."""
    group = NeighbourhoodGroup.objects.filter(council=request.council, pk=group_id).first()
    if group is None or not request.user.has_perm(perm, group):
        raise Http404
    return group


def _count(group: NeighbourhoodGroup) -> int | None:
    try:
        return group_members(group).count()
    except InvalidInput:  # a rule naming a zone or group since deleted
        return None


@login_required
def group_list(request, council_slug):
    groups = list(group_list_visible_to(user=request.user, council=request.council))
    mine = dict(Membership.objects.filter(user=request.user, group__in=groups).values_list("group_id", "status"))
    rows = [{"group": g, "count": _count(g), "status": mine.get(g.pk)} for g in groups]
    return render(
        request,
        "groups/group_list.html",
        {
            "council": request.council,
            "rows": rows,
            "can_create": request.user.has_perm("groups.manage_groups", request.council),
        },
    )


def _builder(request, group: NeighbourhoodGroup | None):
    """Bind the group form and the condition rows; the rows get one more on "add a condition"."""
    council = request.council
    if request.method == "POST":
        data = request.POST.copy()
        if "add_row" in data:
            total = int(data.get("form-TOTAL_FORMS") or 0)
            data["form-TOTAL_FORMS"] = str(min(total + 1, 30))
        form = GroupForm(data)
        formset = ConditionFormSet(data, form_kwargs={"council": council})
        return form, formset, None
    unreadable = None
    if group is None:
        initial = {"kind": NeighbourhoodGroup.Kind.SEGMENT, "join_policy": NeighbourhoodGroup.JoinPolicy.INVITATION, "combine": "all"}
        rows: list[dict] = []
    else:
        initial = {"name": group.name, "description": group.description, "kind": group.kind, "join_policy": group.join_policy, "combine": "all"}
        parsed = rows_from_rule(group.rule or {})
        if parsed is None:
            unreadable, rows = group.rule, []
        else:
            initial["combine"], rows = parsed
    form = GroupForm(initial=initial)
    formset = ConditionFormSet(initial=[*rows, {}, {}] if len(rows) < 2 else [*rows, {}], form_kwargs={"council": council})
    return form, formset, unreadable


def _group_form(request, group: NeighbourhoodGroup | None):
    form, formset, unreadable = _builder(request, group)
    if group is not None:
        form.fields["kind"].disabled = True
        form.fields["kind"].initial = group.kind
    match_count = None
    adding_row = "add_row" in request.POST
    if request.method == "POST" and not adding_row and form.is_valid():
        data = form.cleaned_data
        kind = group.kind if group is not None else data["kind"]
        segment = kind == NeighbourhoodGroup.Kind.SEGMENT
        try:
            if segment and not formset.is_valid():
                raise ValidationError(_("Some conditions need correcting."))
            rule = rule_from_rows(data["combine"], formset) if segment else {}
            if "preview" in request.POST and segment:
                draft = NeighbourhoodGroup(council=request.council, kind=kind, rule=rule)
                match_count = group_members(draft).count()
            elif "preview" not in request.POST:
                fields = {"name": data["name"], "description": data["description"], "join_policy": data["join_policy"], "rule": rule}
                if group is None:
                    group = services.group_create(actor=request.user, council=request.council, kind=kind, **fields)
                    messages.success(request, _("The group was created."))
                else:
                    group = services.group_update(actor=request.user, group=group, **fields)
                    messages.success(request, _("The group was saved."))
                return redirect("group-detail", council_slug=request.council.slug, group_id=group.pk)
        except ValidationError as error:
            form.add_error(None, error)
        except InvalidInput as error:
            form.add_error(None, error.message)
    return render(
        request,
        "groups/group_form.html",
        {
            "council": request.council,
            "group": group,
            "form": form,
            "formset": formset,
            "unreadable_rule": unreadable,
            "match_count": match_count,
            "show_errors": request.method == "POST" and not adding_row,
            "hints": value_hints(request.council),
        },
    )


@login_required
def group_create(request, council_slug):
    if not request.user.has_perm("groups.manage_groups", request.council):
        raise Http404
    return _group_form(request, None)


@login_required
def group_edit(request, council_slug, group_id):
    return _group_form(request, _group(request, group_id, "groups.change_group"))


@login_required
def group_detail(request, council_slug, group_id):
    group = _group(request, group_id)
    user = request.user
    can_manage_members = user.has_perm("groups.change_group", group)
    context = {
        "council": request.council,
        "group": group,
        "count": _count(group),
        "membership": membership_get(user=user, group=group),
        "can_manage_members": can_manage_members,
        "can_edit": can_manage_members,
        "can_delete": user.has_perm("groups.delete_group", group),
        "can_invite": user.has_perm("groups.invite_member", group),
        "can_approve": user.has_perm("groups.approve_member", group),
        "can_remove": user.has_perm("groups.remove_member", group),
        "can_set_coordinator": user.has_perm("groups.set_coordinator", group),
        "can_import": user.has_perm("groups.import_members", group),
        "can_export": user.has_perm("groups.export_members", group),
        "can_notify": user.has_perm("groups.notify_group", group),
        "can_join": user.has_perm("groups.join_group", group),
        "invite_form": InviteForm(),
    }
    if can_manage_members:
        if group.kind == NeighbourhoodGroup.Kind.STATIC:
            memberships = list(group.memberships.select_related("user").order_by("user__display_name", "user__email"))
            context["active"] = [m for m in memberships if m.status == Membership.Status.ACTIVE]
            context["requested"] = [m for m in memberships if m.status == Membership.Status.REQUESTED]
            context["invited"] = [m for m in memberships if m.status == Membership.Status.INVITED]
        elif context["count"] is not None:
            context["matching"] = list(group_members(group).order_by("display_name", "email")[:MEMBERS_SHOWN])
            context["members_shown"] = MEMBERS_SHOWN
    return render(request, "groups/group_detail.html", context)


def _back(request, group: NeighbourhoodGroup):
    return redirect("group-detail", council_slug=request.council.slug, group_id=group.pk)


def _run(request, action, success: str) -> None:
    """Call a service and tell the person how it went."""
    try:
        action()
    except AccessDenied:
        messages.error(request, _("You may not do this in this group."))
    except (InvalidInput, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or " ".join(error.messages))
    else:
        messages.success(request, success)


@login_required
@require_POST
def group_invite(request, council_slug, group_id):
    group = _group(request, group_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid e-mail address."))
        return _back(request, group)
    person = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
    if person is None or role_get(user=person, council=request.council) is None:
        messages.error(request, _("Nobody in this council has this e-mail address."))
        return _back(request, group)
    _run(
        request,
        lambda: services.membership_invite(actor=request.user, group=group, user=person),
        _("%(name)s was invited.") % {"name": person.public_name},
    )
    return _back(request, group)


def _person(group: NeighbourhoodGroup, user_id: int):
    membership = get_object_or_404(Membership.objects.select_related("user"), group=group, user_id=user_id)
    return membership.user


@login_required
@require_POST
def member_approve(request, council_slug, group_id, user_id):
    group = _group(request, group_id)
    person = _person(group, user_id)
    _run(
        request,
        lambda: services.membership_approve(actor=request.user, group=group, user=person),
        _("%(name)s is now a member.") % {"name": person.public_name},
    )
    return _back(request, group)


@login_required
@require_POST
def member_remove(request, council_slug, group_id, user_id):
    group = _group(request, group_id)
    person = _person(group, user_id)
    _run(
        request,
        lambda: services.membership_remove(actor=request.user, group=group, user=person),
        _("%(name)s is no longer in the group.") % {"name": person.public_name},
    )
    return _back(request, group)


@login_required
@require_POST
def member_coordinator(request, council_slug, group_id, user_id):
    group = _group(request, group_id)
    person = _person(group, user_id)
    make = request.POST.get("is_coordinator") == "1"
    done = _("%(name)s now coordinates the group.") if make else _("%(name)s no longer coordinates the group.")
    _run(
        request,
        lambda: services.coordinator_set(actor=request.user, group=group, user=person, is_coordinator=make),
        done % {"name": person.public_name},
    )
    return _back(request, group)


@login_required
@require_POST
def group_join(request, council_slug, group_id):
    group = _group(request, group_id)
    try:
        membership = services.membership_join(actor=request.user, group=group)
    except AccessDenied:
        messages.error(request, _("You cannot join this group."))
    else:
        if membership.status == Membership.Status.ACTIVE:
            messages.success(request, _("You are now a member of the group."))
        else:
            messages.success(request, _("Your request was sent to the group's coordinators."))
    return _back(request, group)


@login_required
@require_POST
def group_leave(request, council_slug, group_id):
    group = _group(request, group_id)
    services.membership_remove(actor=request.user, group=group, user=request.user)
    messages.success(request, _("You left the group."))
    if request.user.has_perm("groups.view_group", group):
        return _back(request, group)
    return redirect("group-list", council_slug=request.council.slug)


@login_required
@require_POST
def group_delete(request, council_slug, group_id):
    group = _group(request, group_id, "groups.delete_group")
    name = group.name
    services.group_delete(actor=request.user, group=group)
    messages.success(request, _("The group %(name)s was deleted.") % {"name": name})
    return redirect("group-list", council_slug=request.council.slug)


@login_required
def group_export(request, council_slug, group_id):
    group = _group(request, group_id, "groups.export_members")
    out = io.StringIO()
    csv_io.export_members(actor=request.user, group=group, out=out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="group-{group.pk}-members.csv"'
    return response


@login_required
def group_import(request, council_slug, group_id):
    group = _group(request, group_id, "groups.import_members")
    can_add_directly = request.user.has_perm("groups.manage_groups", request.council)
    form = ImportForm(request.POST or None, request.FILES or None)
    if not can_add_directly:
        del form.fields["add_directly"]
    report, error = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > csv_io.MAX_BYTES:
                raise InvalidInput(_("The file is larger than 1 MB; split it into smaller files."))
            report = csv_io.import_members(
                actor=request.user,
                group=group,
                data=upload.read(),
                add_directly=form.cleaned_data.get("add_directly", False),
            )
        except InvalidInput as invalid:
            error = invalid.message
        if report is not None and report.ok:
            count = len(report.imported)
            if report.status == Membership.Status.ACTIVE:
                text = ngettext("%(count)s person was added to the group.", "%(count)s people were added to the group.", count)
            else:
                text = ngettext("%(count)s person was invited to the group.", "%(count)s people were invited to the group.", count)
            messages.success(request, text % {"count": count})
            return _back(request, group)
    return render(
        request,
        "groups/group_import.html",
        {"council": request.council, "group": group, "form": form, "report": report, "error": error},
    )


urlpatterns = [
    path("groups/", group_list, name="group-list"),
    path("groups/new/", group_create, name="group-create"),
    path("groups/<int:group_id>/", group_detail, name="group-detail"),
    path("groups/<int:group_id>/edit/", group_edit, name="group-edit"),
    path("groups/<int:group_id>/delete/", group_delete, name="group-delete"),
    path("groups/<int:group_id>/invite/", group_invite, name="group-invite"),
    path("groups/<int:group_id>/join/", group_join, name="group-join"),
    path("groups/<int:group_id>/leave/", group_leave, name="group-leave"),
    path("groups/<int:group_id>/members/<int:user_id>/approve/", member_approve, name="group-member-approve"),
    path("groups/<int:group_id>/members/<int:user_id>/remove/", member_remove, name="group-member-remove"),
    path(
        "groups/<int:group_id>/members/<int:user_id>/coordinator/",
        member_coordinator,
        name="group-member-coordinator",
    ),
    path("groups/<int:group_id>/export.csv", group_export, name="group-export"),
    path("groups/<int:group_id>/import/", group_import, name="group-import"),
]
