from typing import cast

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from council.accounts.models import User
from council.councils.admin import CouncilScopedAdmin
from council.councils.models import AuditEntry
from council.councils.services import audit_record
from council.rooms.models import Message
from council.rooms.models import Room
from council.verifications.forms import RequirementAdminForm


def _admin_user(request: HttpRequest) -> User:
    # The admin site lets in only signed-in staff (AdminSite.has_permission), never AnonymousUser.
    return cast(User, request.user)


@admin.register(Room)
class RoomAdmin(CouncilScopedAdmin):
    form = RequirementAdminForm  # what verifications coming in requires: the shared chooser
    list_display = ["name", "council", "parent", "is_locked", "residents_can_chat", "created_at"]
    list_filter = ["council", ("parent", admin.EmptyFieldListFilter)]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Room, form: "ModelForm[Room]", change: bool) -> None:
        super().save_model(request, obj, form, change)
        action = AuditEntry.Action.ROOM_CHANGED if change else AuditEntry.Action.ROOM_CREATED
        audit_record(actor=_admin_user(request), action=action, target=obj, details={"fields": form.changed_data})

    def delete_model(self, request: HttpRequest, obj: Room) -> None:
        audit_record(actor=_admin_user(request), action=AuditEntry.Action.ROOM_DELETED, target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Room]) -> None:
        for room in queryset:
            audit_record(actor=_admin_user(request), action=AuditEntry.Action.ROOM_DELETED, target=room)
        super().delete_queryset(request, queryset)


@admin.register(Message)
class MessageAdmin(CouncilScopedAdmin):
    list_display = ["room", "seq", "author", "created_at", "deleted_at"]
    list_filter = ["room__council"]
    readonly_fields = ["room", "seq", "author", "text", "client_request_id", "deleted_at", "deleted_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
