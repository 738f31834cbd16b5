from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Role
from wanlixing.accounts.regions import region_full_name, region_is_valid
from wanlixing.accounts.selectors import user_is_platform_admin
from wanlixing.core.admin import OrgScopedAdmin

from .models import RoutingRule, TicketAccess


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = [
            "category",
            "institution_type",
            "region_code",
            "channel",
            "organisation",
            "note",
            "is_active",
        ]

    def clean_region_code(self) -> str:
        code = (self.cleaned_data.get("region_code") or "").strip()
        if code and not region_is_valid(code):
            raise ValidationError(_("地区代码无效：请填写6位行政区划代码，或留空表示全国。"))
        return code


@admin.register(RoutingRule)
class RoutingRuleAdmin(OrgScopedAdmin):
    """Staff keep the routing rules: org admins add rules naming their own organisation."""

    form = RoutingRuleForm
    org_lookup = "organisation"
    view_roles = frozenset({Role.ORG_ADMIN, Role.COMPLAINT_HANDLER})
    change_roles = frozenset({Role.ORG_ADMIN})
    list_display = [
        "category",
        "institution_type",
        "region_display",
        "channel",
        "organisation",
        "is_active",
    ]
    list_filter = ["category", "channel", "is_active"]
    search_fields = ["region_code", "note"]

    @admin.display(description=_("地区"))
    def region_display(self, obj: RoutingRule) -> str:
        return region_full_name(obj.region_code) or str(_("全国"))

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if not user_is_platform_admin(request.user) and "organisation" in form.base_fields:
            form.base_fields["organisation"].required = True
        return form

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        if (
            not user_is_platform_admin(request.user)
            and getattr(obj, "organisation_id", None) is None
        ):
            raise ValidationError(_("只有平台管理员可以维护全国通用规则。"))
        super().save_model(request, obj, form, change)


@admin.register(TicketAccess)
class TicketAccessAdmin(OrgScopedAdmin):
    """The audit log of staff views, read-only, for org admins of the ticket's organisation."""

    org_lookup = "ticket__organisation"
    view_roles = frozenset({Role.ORG_ADMIN})
    change_roles = frozenset()
    list_display = ["at", "user", "action", "ticket", "via"]
    list_filter = ["action", "via"]
    readonly_fields = ["ticket", "user", "action", "via", "at"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
