from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from wanlixing.accounts.selectors import user_is_platform_admin

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The send log, read-only, for the platform admin (retries and failures at a glance)."""

    list_display = ["created_at", "key", "user", "channel", "status", "attempts", "last_error"]
    list_filter = ["channel", "status", "kind"]
    search_fields = ["key"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return user_is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
