"""Back office for the library: editors write and submit, reviewers approve, reject or
archive. Every transition goes through the services; rows are scoped to the user's
organisations (platform content, organisation = None, only for platform admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Role, User
from wanlixing.accounts.selectors import user_is_platform_admin, user_org_ids
from wanlixing.core.admin import OrgScopedAdmin

from . import selectors, services
from .models import Article, ArticleStatus, ArticleVersion, ReviewLogEntry, Topic


class LinesField(forms.CharField):
    """A list of strings edited as one line per entry."""

    widget: Any = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in str(text).splitlines() if line.strip()]


class WordsField(LinesField):
    """Keywords or region codes: separated by commas, 、 or new lines."""

    widget: Any = forms.TextInput()

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = str(value or "")
        for separator in ("，", "、", "\n", ";", "；"):
            text = text.replace(separator, ",")
        return [part.strip() for part in text.split(",") if part.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "，".join(str(v) for v in value)
        return value


class ArticleAdminForm(forms.ModelForm):
    keywords = WordsField(label=_("关键词"), required=False, help_text=_("用逗号或顿号分隔"))
    regions = WordsField(
        label=_("适用地区"),
        required=False,
        help_text=_("6位行政区划代码，用逗号分隔；留空表示全国"),
    )
    red_flags = LinesField(label=_("风险信号"), required=False, help_text=_("案例：每行一条"))
    what_to_do = LinesField(label=_("应对方法"), required=False, help_text=_("案例：每行一条"))
    facts = WordsField(label=_("事实依据"), required=False)
    video_url = forms.URLField(
        label=_("视频链接"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = Article
        fields = [
            "kind",
            "title",
            "slug",
            "topic",
            "organisation",
            "summary",
            "source",
            "body",
            "story",
            "red_flags",
            "what_to_do",
            "video_file",
            "video_url",
            "transcript",
            "audiences",
            "regions",
            "keywords",
            "facts",
        ]


class ReviewLogInline(admin.TabularInline):
    model = ReviewLogEntry
    extra = 0
    can_delete = False
    fields = ("at", "action", "actor", "comment", "version")
    readonly_fields = fields
    verbose_name_plural = _("审核记录")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    extra = 0
    can_delete = False
    fields = ("number", "title", "published_at", "approved_by", "note", "public_link")
    readonly_fields = fields
    verbose_name_plural = _("发布版本（不可修改）")

    @admin.display(description=_("查看"))
    def public_link(self, obj: ArticleVersion) -> str:
        url = reverse("content:version", args=[obj.article.slug, obj.number])
        return format_html('<a href="{}">{}</a>', url, _("查看此版本"))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WorkflowForm(forms.Form):
    comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea)
    publish_at = forms.DateTimeField(
        label=_("定时发布时间"),
        required=False,
        help_text=_("留空表示立即发布；填写将来的时间则到时自动出现在知识库"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


WORKFLOW_ACTIONS: dict[str, tuple[Any, str]] = {
    # action: (label, who)
    "submit": (_("提交审核"), "editor"),
    "revise": (_("撤回修订（转为草稿，暂时下线）"), "editor"),
    "approve": (_("审核通过并发布"), "reviewer"),
    "reject": (_("退回修改"), "reviewer"),
    "archive": (_("归档（从知识库下线）"), "reviewer"),
}
ACTIONS_BY_STATUS = {
    ArticleStatus.DRAFT: ("submit",),
    ArticleStatus.REVIEW: ("approve", "reject"),
    ArticleStatus.PUBLISHED: ("archive", "revise"),
    ArticleStatus.ARCHIVED: ("revise",),
}


@admin.register(Article)
class ArticleAdmin(OrgScopedAdmin):
    form = ArticleAdminForm
    org_lookup = "organisation"
    view_roles = frozenset({Role.EDITOR, Role.REVIEWER, Role.ORG_ADMIN})
    change_roles = frozenset({Role.EDITOR})
    list_display = (
        "title",
        "kind",
        "topic",
        "organisation",
        "status",
        "published_at",
        "updated_at",
    )
    list_filter = ("status", "kind", "topic")
    search_fields = ("title", "slug", "summary")
    list_select_related = ("topic", "organisation")
    readonly_fields = ("status", "published_at", "author", "created_at", "updated_at")
    filter_horizontal = ("audiences",)
    inlines = [VersionInline, ReviewLogInline]
    actions = ["action_submit", "action_approve", "action_archive"]
    change_form_template = "admin/content/article/change_form.html"
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "topic", "organisation", "summary", "source")}),
        (_("正文"), {"fields": ("body",)}),
        (_("案例"), {"fields": ("story", "red_flags", "what_to_do"), "classes": ("collapse",)}),
        (
            _("视频"),
            {"fields": ("video_file", "video_url", "transcript"), "classes": ("collapse",)},
        ),
        (_("受众与地区"), {"fields": ("audiences", "regions", "keywords", "facts")}),
        (_("状态"), {"fields": ("status", "published_at", "author", "created_at", "updated_at")}),
    )

    # --- permissions ------------------------------------------------------------------

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != ArticleStatus.DRAFT:
            return False  # only drafts are edited; the rest move through the workflow
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Published items keep their history; only never-published drafts may go.
        if obj is not None and obj.versions.exists():
            return False
        return super().has_delete_permission(request, obj)

    def has_review_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user) or bool(
            user_org_ids(request.user, [Role.REVIEWER])
        )

    def has_submit_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user) or bool(
            user_org_ids(request.user, [Role.EDITOR])
        )

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        org_field = form.base_fields.get("organisation")
        if org_field is not None and not user_is_platform_admin(request.user):
            org_field.required = True
            org_field.empty_label = None  # type: ignore[attr-defined]
        return form

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        services.article_save_form(article=obj, by=_user(request), adding=not change)

    # --- workflow ---------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "<path:object_id>/workflow/<str:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name="content_article_workflow",
            )
        ]
        return custom + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["workflow_actions"] = [
                (name, WORKFLOW_ACTIONS[name][0])
                for name in ACTIONS_BY_STATUS.get(ArticleStatus(obj.status), ())
                if self._may(request, obj, name)
            ]
            extra_context["public_url"] = obj.get_absolute_url()
        return super().change_view(request, object_id, form_url, extra_context)

    def _may(self, request: HttpRequest, obj: Article, action: str) -> bool:
        who = WORKFLOW_ACTIONS[action][1]
        getter = (
            selectors.article_get_for_editor
            if who == "editor"
            else selectors.article_get_for_reviewer
        )
        try:
            getter(user=request.user, article_id=obj.pk)
        except PermissionDenied:
            return False
        return True

    def workflow_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        if action not in WORKFLOW_ACTIONS:
            raise PermissionDenied
        label, who = WORKFLOW_ACTIONS[action]
        getter = (
            selectors.article_get_for_editor
            if who == "editor"
            else selectors.article_get_for_reviewer
        )
        try:
            pk = int(object_id)
        except ValueError:
            raise PermissionDenied from None
        article = getter(user=request.user, article_id=pk)
        change_url = reverse("admin:content_article_change", args=[article.pk])
        form = WorkflowForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                self._run(
                    action,
                    article,
                    _user(request),
                    form.cleaned_data["comment"],
                    form.cleaned_data["publish_at"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("已完成：%(a)s。") % {"a": label})
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": label,
            "article": article,
            "action": action,
            "form": form,
            "change_url": change_url,
            "opts": self.model._meta,
            "show_publish_at": action == "approve",
        }
        return render(request, "admin/content/article/workflow.html", context)

    @staticmethod
    def _run(
        action: str, article: Article, user: User, comment: str, publish_at: datetime | None
    ) -> None:
        if action == "submit":
            services.article_submit(article=article, by=user)
        elif action == "revise":
            services.article_revise(article=article, by=user)
        elif action == "approve":
            services.article_approve(
                article=article, by=user, publish_at=publish_at, comment=comment
            )
        elif action == "reject":
            services.article_reject(article=article, by=user, comment=comment)
        elif action == "archive":
            services.article_archive(article=article, by=user, comment=comment)

    def _bulk(
        self, request: HttpRequest, queryset: QuerySet[Article], action: str, who: str
    ) -> None:
        done, failed = 0, []
        getter = (
            selectors.article_get_for_editor
            if who == "editor"
            else selectors.article_get_for_reviewer
        )
        for article in queryset:
            try:
                getter(user=request.user, article_id=article.pk)
                self._run(action, article, _user(request), "", None)
                done += 1
            except PermissionDenied:
                failed.append(f"{article.title}：{_('没有权限')}")
            except ValidationError as exc:
                failed.append(f"{article.title}：{'；'.join(exc.messages)}")
        if done:
            messages.success(request, _("已处理 %(n)d 条。") % {"n": done})
        for line in failed:
            messages.error(request, line)

    @admin.action(description=_("提交审核"), permissions=["submit"])
    def action_submit(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._bulk(request, queryset, "submit", "editor")

    @admin.action(description=_("审核通过（立即发布）"), permissions=["review"])
    def action_approve(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._bulk(request, queryset, "approve", "reviewer")

    @admin.action(description=_("归档"), permissions=["review"])
    def action_archive(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._bulk(request, queryset, "archive", "reviewer")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@admin.register(ReviewLogEntry)
class ReviewLogAdmin(OrgScopedAdmin):
    org_lookup = "article__organisation"
    view_roles = frozenset({Role.EDITOR, Role.REVIEWER, Role.ORG_ADMIN})
    change_roles: frozenset[str] = frozenset()
    list_display = ("at", "article", "action", "actor", "comment")
    list_filter = ("action",)
    list_select_related = ("article", "actor")
    search_fields = ("article__title", "comment")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    ordering = ("position",)
