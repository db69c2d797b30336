from django.contrib import admin

from council.councils.admin import CouncilScopedAdmin
from council.rooms.models import Message
from council.rooms.models import Room


@admin.register(Room)
class RoomAdmin(CouncilScopedAdmin):
    list_display = ["name", "council", "parent", "is_locked", "residents_can_chat", "created_at"]
    list_filter = ["council", ("parent", admin.EmptyFieldListFilter)]
    search_fields = ["name"]


@admin.register(Message)
class MessageAdmin(CouncilScopedAdmin):
    list_display = ["room", "seq", "author", "created_at", "deleted_at"]
    list_filter = ["room__council"]
    readonly_fields = ["room", "seq", "author", "text", "client_request_id", "deleted_at", "deleted_by"]

    def has_add_permission(self, request):
        return False
