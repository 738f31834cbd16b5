"""Back office for rewards.

The ledger is read-only for everyone: no add, change or delete, no bulk
actions. A mistake is put right with a correction (a new negative entry) from
the entry's page. Platform admins see every entry; staff of an organisation see
the entries of users affiliated with it, and its admins may correct them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wanlixing.accounts.selectors import user_is_platform_admin

from .badge_art import badge_svg
from .badge_rules import badge_how_to_earn
from .forms import CorrectionForm
from .models import Badge, PointsEntry, UserBadge
from .selectors import ledger_visible_to, points_entry_get_for_corrector
from .services import points_correct


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    """Rows about users: visible per ``ledger_visible_to``, never edited here."""

    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        visible = ledger_visible_to(request.user)
        return qs.none() if visible is None else qs.filter(visible)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return ledger_visible_to(request.user) is not None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if ledger_visible_to(request.user) is None:
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("用户"), ordering="user__username")
    def owner(self, obj: Any) -> str:
        return f"{obj.user.public_name}（{obj.user.username}）"


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ("created_at", "owner", "activity", "points", "reason", "corrected_by")
    list_filter = ("created_at",)
    search_fields = ("activity", "reason", "user__username", "user__display_name")
    list_select_related = ("user",)
    fields = ("owner", "activity", "points", "reason", "created_at", "corrects", "created_by")
    readonly_fields = fields
    change_form_template = "admin/rewards/pointsentry/change_form.html"

    @admin.display(description=gettext_lazy("更正"))
    def corrected_by(self, obj: PointsEntry) -> str:
        if obj.corrects_id:
            return _("更正记录 #%(id)s") % {"id": obj.corrects_id}
        return ""

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:entry_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="rewards_pointsentry_correct",
            )
        ]
        return own + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        try:
            entry = points_entry_get_for_corrector(user=request.user, entry_id=int(object_id))
        except (PermissionDenied, ValueError):
            entry = None
        context["can_correct"] = bool(
            entry and entry.points > 0 and not entry.corrects_id and not entry.corrections.exists()
        )
        return super().change_view(request, object_id, form_url, context)

    def correct_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        entry = points_entry_get_for_corrector(user=request.user, entry_id=entry_id)
        change_url = reverse("admin:rewards_pointsentry_change", args=[entry.pk])
        if entry.points <= 0 or entry.corrects_id or entry.corrections.exists():
            messages.error(request, _("这条记录不能再更正。"))
            return HttpResponseRedirect(change_url)
        form = CorrectionForm(
            request.POST if request.method == "POST" else None, max_points=entry.points
        )
        if request.method == "POST" and form.is_valid():
            try:
                correction = points_correct(
                    entry=entry,
                    points=form.cleaned_data["points"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("已扣回 %(points)s 积分，更正已记入积分记录。")
                    % {"points": -correction.points},
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("更正积分记录"),
            "entry": entry,
            "form": form,
            "change_url": change_url,
        }
        return render(
            request,
            "admin/rewards/pointsentry/correct.html",
            context,
            status=400 if form.errors else 200,
        )


@admin.register(UserBadge)
class UserBadgeAdmin(ReadOnlyScopedAdmin):
    list_display = ("earned_at", "owner", "badge")
    list_filter = ("badge",)
    search_fields = ("user__username", "user__display_name", "badge__name")
    list_select_related = ("user", "badge")
    fields = ("owner", "badge", "earned_at")
    readonly_fields = fields


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    """Badge definitions are platform-wide data, managed by platform admins."""

    list_display = ("art", "name", "code", "rule", "threshold", "pattern", "holders", "is_active")
    list_display_links = ("name",)
    list_filter = ("rule", "is_active")
    search_fields = ("name", "code", "description")
    readonly_fields = ("art", "earn_text")
    fields = (
        "code",
        "name",
        "description",
        "rule",
        "threshold",
        "pattern",
        "how_to_earn",
        "earn_text",
        "icon",
        "color",
        "art",
        "position",
        "is_active",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Badge]:
        return super().get_queryset(request).annotate(holder_count=Count("holders"))

    @admin.display(description=gettext_lazy("图案"))
    def art(self, obj: Badge) -> str:
        if not obj.icon:
            return ""
        return badge_svg(obj.icon, obj.color, size=40)

    @admin.display(description=gettext_lazy("获得方法（显示给用户）"))
    def earn_text(self, obj: Badge) -> str:
        return badge_how_to_earn(obj) if obj.rule else ""

    @admin.display(description=gettext_lazy("已获得人数"), ordering="holder_count")
    def holders(self, obj: Badge) -> int:
        return getattr(obj, "holder_count", 0)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_platform_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A badge someone holds is retired by unticking 启用, not deleted.
        if not user_is_platform_admin(request.user):
            return False
        return obj is None or not obj.holders.exists()

    def save_model(self, request: HttpRequest, obj: Badge, form: Any, change: bool) -> None:
        from .tasks import badges_evaluate_all_task

        super().save_model(request, obj, form, change)
        # Learners who already meet a new or changed rule get the badge in the background.
        transaction.on_commit(badges_evaluate_all_task.enqueue)
        messages.info(request, _("已安排后台任务，为已满足条件的用户颁发徽章。"))
