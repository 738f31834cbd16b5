from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.selectors import user_is_platform_admin, user_org_ids
from wanlixing.core.admin import OrgScopedAdmin

from .models import ApiToken, Consent, Membership, Organisation, Role, Segment, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "user"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Platform admins manage every account; organisation admins see their own
    members only, with phone numbers masked."""

    list_display = (
        "username",
        "display_name",
        "masked_phone",
        "region_code",
        "is_staff",
        "is_active",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "age_band", "area_type")
    search_fields = ("username", "display_name")
    ordering = ("-date_joined",)
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "phone", "email")}),
        (
            _("画像"),
            {
                "fields": (
                    "age_band",
                    "occupation",
                    "region_code",
                    "area_type",
                    "segments",
                    "elder_mode",
                )
            },
        ),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined", "anonymised_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "phone", "password1", "password2")}),
    )

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: User) -> str:
        return obj.phone_masked

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        qs = super().get_queryset(request)
        if user_is_platform_admin(request.user):
            return qs
        orgs = user_org_ids(request.user, [Role.ORG_ADMIN])
        return qs.filter(memberships__organisation_id__in=orgs).distinct()

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if user_is_platform_admin(request.user) or obj is None:
            return fieldsets
        # Organisation admins never see raw contact details or permission flags.
        return (
            (None, {"fields": ("username",)}),
            (_("个人信息"), {"fields": ("display_name",)}),
            (_("画像"), {"fields": ("age_band", "region_code", "area_type")}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if user_is_platform_admin(request.user):
            return ("last_login", "date_joined", "anonymised_at")
        return ("username", "display_name", "age_band", "region_code", "area_type")

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if user_is_platform_admin(request.user) else []

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user) or bool(
            user_org_ids(request.user, [Role.ORG_ADMIN])
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if user_is_platform_admin(request.user):
            return True
        if obj is None:
            return bool(user_org_ids(request.user, [Role.ORG_ADMIN]))
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_platform_admin(request.user)


@admin.register(Organisation)
class OrganisationAdmin(OrgScopedAdmin):
    org_lookup = "pk"
    list_display = ("name", "kind", "region_code", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)

    def _obj_org_id(self, obj: Any) -> int | None:
        return obj.pk

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return user_is_platform_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_platform_admin(request.user)


@admin.register(Membership)
class MembershipAdmin(OrgScopedAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation")
    autocomplete_fields = ("user",)
    search_fields = ("user__username", "user__display_name", "organisation__name")

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        from .services import membership_add

        if change:
            super().save_model(request, obj, form, change)
        else:
            membership_add(user=obj.user, organisation=obj.organisation, role=obj.role)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        from .services import membership_remove

        membership_remove(membership=obj)


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "position")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_platform_admin(request.user)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "notice_version", "accepted_at")
    readonly_fields = ("user", "notice_version", "accepted_at")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "last_used_at")
    readonly_fields = ("prefix", "user", "key_hash", "created_at", "last_used_at")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
