from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Role
from wanlixing.accounts.selectors import user_is_platform_admin, user_org_ids
from wanlixing.core.admin import OrgScopedAdmin

from .drills import DrillError
from .models import Drill, EmergingScript, LprRate, RedFlag, ReportStatus, ScamReport
from .selectors import REVIEW_ROLES, redflag_ruleset, review_org_ids
from .services import drill_save_source, emerging_script_to_case_draft, scam_report_review


class PlatformEditorAdmin(admin.ModelAdmin):
    """Platform-wide data: platform admins and editors of any organisation may change it."""

    def _allowed(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user) or bool(
            user_org_ids(request.user, {Role.EDITOR, Role.ORG_ADMIN})
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return user_is_platform_admin(request.user)


@admin.register(RedFlag)
class RedFlagAdmin(PlatformEditorAdmin):
    list_display = ("code", "name", "weight", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "explanation")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        redflag_ruleset(fresh=True)


@admin.register(LprRate)
class LprRateAdmin(PlatformEditorAdmin):
    list_display = ("effective_date", "one_year", "five_year", "source")


class DrillForm(forms.ModelForm):
    class Meta:
        model = Drill
        fields = ("source_yaml", "is_active")
        widgets = {
            "source_yaml": forms.Textarea(attrs={"rows": 30, "style": "font-family:monospace"})
        }

    def clean_source_yaml(self) -> str:
        from .drills import drill_parse

        source = self.cleaned_data["source_yaml"]
        try:
            data = drill_parse(source)
        except DrillError as exc:
            raise forms.ValidationError(exc.problems) from exc
        if self.instance.pk and data["slug"] != self.instance.slug:
            raise forms.ValidationError(_("不能修改已有演练的代码（slug）。"))
        return source


@admin.register(Drill)
class DrillAdmin(PlatformEditorAdmin):
    form = DrillForm
    list_display = ("title", "slug", "fraud_type", "version", "difficulty", "is_active")
    list_filter = ("fraud_type", "is_active")
    readonly_fields = ("slug", "version", "title", "fraud_type", "difficulty", "updated_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        active = form.cleaned_data.get("is_active", True)
        saved = drill_save_source(
            drill=obj if obj.pk else None, source_yaml=form.cleaned_data["source_yaml"]
        )
        if saved.is_active != active:
            saved.is_active = active
            saved.save(update_fields=["is_active"])
        obj.pk = saved.pk


class ReportReviewAdmin(OrgScopedAdmin):
    """Reports reach police and regulator organisations by region; platform admin sees all."""

    view_roles = REVIEW_ROLES
    change_roles = REVIEW_ROLES

    def _orgs(self, request: HttpRequest, roles: frozenset[str]) -> set[int]:
        return review_org_ids(request.user)


@admin.register(ScamReport)
class ScamReportAdmin(ReportReviewAdmin):
    list_display = ("created_at", "short_text", "fraud_type", "risk", "status", "organisation")
    list_filter = ("status", "fraud_type", "channel")
    search_fields = ("text", "sender")
    readonly_fields = (
        "text",
        "channel",
        "sender",
        "contact",
        "region_code",
        "consent_at",
        "reporter",
        "risk",
        "verdict",
        "fraud_type",
        "flags",
        "created_at",
        "reviewed_by",
        "reviewed_at",
    )
    fields = (*readonly_fields, "organisation", "status", "review_note")
    actions = ("mark_confirmed", "mark_rejected")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    @admin.display(description=_("内容"))
    def short_text(self, obj: ScamReport) -> str:
        return obj.text[:40]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if "status" in form.changed_data or "review_note" in form.changed_data:
            scam_report_review(
                report=obj,
                user=request.user,  # type: ignore[arg-type]
                status=obj.status,
                note=obj.review_note,
            )
        super().save_model(request, obj, form, change)

    def _mark(self, request: HttpRequest, queryset: QuerySet[ScamReport], status: str) -> None:
        for report in queryset:
            scam_report_review(report=report, user=request.user, status=status)  # type: ignore[arg-type]
        self.message_user(request, _("已更新 %d 条举报。") % queryset.count(), messages.SUCCESS)

    @admin.action(description=_("标记为确认诈骗"))
    def mark_confirmed(self, request: HttpRequest, queryset: QuerySet[ScamReport]) -> None:
        self._mark(request, queryset, ReportStatus.CONFIRMED)

    @admin.action(description=_("标记为不是诈骗"))
    def mark_rejected(self, request: HttpRequest, queryset: QuerySet[ScamReport]) -> None:
        self._mark(request, queryset, ReportStatus.REJECTED)


@admin.register(EmergingScript)
class EmergingScriptAdmin(PlatformEditorAdmin):
    list_display = (
        "label",
        "size",
        "fraud_type",
        "first_seen",
        "last_seen",
        "computed_at",
        "article",
    )
    list_filter = ("fraud_type",)
    readonly_fields = (
        "computed_at",
        "window_days",
        "label",
        "size",
        "fraud_type",
        "report_ids",
        "examples",
        "first_seen",
        "last_seen",
        "article",
    )
    actions = ("make_case_draft",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("转为案例草稿"))
    def make_case_draft(self, request: HttpRequest, queryset: QuerySet[EmergingScript]) -> None:
        for script in queryset:
            article = emerging_script_to_case_draft(script=script, user=request.user)  # type: ignore[arg-type]
            self.message_user(request, _("已创建案例草稿：%s") % article.title, messages.SUCCESS)
