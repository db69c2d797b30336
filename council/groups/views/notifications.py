"""Notify a group, follow a send's progress, read one's notifications."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import JsonResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from council.core.errors import AccessDenied
from council.core.submit import submit
from council.groups import notifications
from council.groups.models import NeighbourhoodGroup
from council.groups.models import NotificationSend


class NotifyForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=notifications.SUBJECT_MAX)
    body = forms.CharField(
        label=gettext_lazy("Message"), max_length=notifications.BODY_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )
    by_email = forms.BooleanField(label=gettext_lazy("Also send it by e-mail"), required=False, initial=True)


def _group(request, group_id: int) -> NeighbourhoodGroup:
    group = NeighbourhoodGroup.objects.select_related("council").filter(
        pk=group_id, council=request.council
    ).first()
    if group is None or not request.user.has_perm("groups.notify_group", group):
        raise Http404
    return group


def _send(request, send_id: int) -> NotificationSend:
    """A send its sender, or anyone who may notify its group, may follow."""
    send = NotificationSend.objects.select_related("group__council").filter(
        pk=send_id, group__council=request.council
    ).first()
    if send is None or not (
        send.sender_id == request.user.pk or request.user.has_perm("groups.notify_group", send.group)
    ):
        raise Http404
    return send


@login_required
def group_notify(request, council_slug, group_id):
    group = _group(request, group_id)
    form = NotifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = submit(
            lambda: notifications.notification_send_create(actor=request.user, group=group, **form.cleaned_data),
            form=form,
            refused=Http404,
        )
        if outcome.done:
            messages.success(request, _("Your message is being sent."))
            return redirect("notification-send-detail", council_slug=council_slug, send_id=outcome.result.pk)
    return render(request, "groups/notification_form.html", {"form": form, "group": group})


@login_required
def send_detail(request, council_slug, send_id):
    send = _send(request, send_id)
    return render(
        request,
        "groups/notification_send_detail.html",
        {"send": send, "progress": notifications.send_progress(send)},
    )


@login_required
def send_progress(request, council_slug, send_id):
    return JsonResponse(notifications.send_progress(_send(request, send_id)))


@login_required
def notification_list(request, council_slug):
    items = notifications.notification_list_for(user=request.user, council=request.council)[:200]
    return render(request, "groups/notification_list.html", {"notifications": items})


@login_required
@require_POST
def notification_read(request, council_slug, notification_id):
    try:
        notifications.notification_mark_read(actor=request.user, notification_id=notification_id)
    except AccessDenied as error:
        raise Http404 from error
    return redirect("notification-list", council_slug=council_slug)


urlpatterns = [
    path("groups/<int:group_id>/notify/", group_notify, name="group-notify"),
    path("notifications/", notification_list, name="notification-list"),
    path("notifications/<int:notification_id>/read/", notification_read, name="notification-read"),
    path("notifications/sends/<int:send_id>/", send_detail, name="notification-send-detail"),
    path("notifications/sends/<int:send_id>/progress/", send_progress, name="notification-send-progress"),
]
