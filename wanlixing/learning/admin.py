"""Back office for learning: the question bank (with import/export and item statistics),
quizzes, literacy forms (with their comparability) and the risk self-test."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wanlixing.accounts.models import Organisation, Role
from wanlixing.accounts.selectors import user_is_platform_admin
from wanlixing.core.admin import OrgScopedAdmin

from .bank import questions_export_csv, questions_export_xlsx, questions_import
from .forms import QuestionAdminForm, QuestionImportForm
from .itemstats import item_statistics_last_run, literacy_form_comparison
from .models import LiteracyItem, Question, QuestionPurpose, Quiz, RiskQuestionnaire
from .tasks import refresh_item_statistics

BANK_ROLES = frozenset({Role.ORG_ADMIN, Role.EDITOR})


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(Question)
class QuestionAdmin(OrgScopedAdmin):
    form = QuestionAdminForm
    change_roles = BANK_ROLES
    change_list_template = "learning/admin/question_change_list.html"
    list_display = [
        "key",
        "short_stem",
        "kind",
        "topic",
        "difficulty",
        "is_active",
        "stat_responses",
        "stat_facility",
        "stat_discrimination",
    ]
    list_filter = ["topic", "kind", "difficulty", "is_active", "purpose", "organisation"]
    search_fields = ["key", "stem"]
    list_select_related = ["topic", "statistic"]
    filter_horizontal = ["audiences"]
    readonly_fields = ["statistics_detail"]
    actions = ["export_xlsx", "export_csv", "refresh_statistics"]

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fields = list(QuestionAdminForm.Meta.fields)
        return [*fields, "statistics_detail"] if obj is not None else fields

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if not user_is_platform_admin(request.user) and "organisation" in form.base_fields:
            form.base_fields["organisation"].required = True
        return form

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(purpose=QuestionPurpose.PRACTICE)

    @admin.display(description=gettext_lazy("题干"))
    def short_stem(self, obj: Question) -> str:
        return obj.stem[:40] + ("…" if len(obj.stem) > 40 else "")

    @admin.display(description=gettext_lazy("作答数"))
    def stat_responses(self, obj: Question) -> int:
        stat = getattr(obj, "statistic", None)
        return stat.responses if stat else 0

    @admin.display(description=gettext_lazy("答对率"))
    def stat_facility(self, obj: Question) -> str:
        stat = getattr(obj, "statistic", None)
        return f"{stat.facility:.2f}" if stat and stat.facility is not None else "—"

    @admin.display(description=gettext_lazy("区分度"))
    def stat_discrimination(self, obj: Question) -> str:
        stat = getattr(obj, "statistic", None)
        return f"{stat.discrimination:.2f}" if stat and stat.discrimination is not None else "—"

    @admin.display(description=gettext_lazy("题目统计"))
    def statistics_detail(self, obj: Question) -> str:
        stat = getattr(obj, "statistic", None)
        if stat is None:
            return _("尚无统计（有人作答后由后台任务计算）。")
        return _(
            "作答 %(n)d 次，答对 %(c)d 次，答对率 %(p)s；区分度 %(d)s"
            "（%(a)d 份答卷，高低分组各 %(g)d 份：高分组答对 %(u)d，低分组答对 %(l)d）；"
            "统计于 %(t)s。"
        ) % {
            "n": stat.responses,
            "c": stat.correct,
            "p": f"{stat.facility:.2f}" if stat.facility is not None else "—",
            "d": f"{stat.discrimination:.2f}" if stat.discrimination is not None else _("样本不足"),
            "a": stat.attempts,
            "g": stat.group_size,
            "u": stat.upper_correct,
            "l": stat.lower_correct,
            "t": timezone.localtime(stat.computed_at).strftime("%Y-%m-%d %H:%M"),
        }

    @admin.action(description=gettext_lazy("导出所选题目（XLSX）"))
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Question]) -> HttpResponse:
        return _download(questions_export_xlsx(queryset), "questions.xlsx", XLSX)

    @admin.action(description=gettext_lazy("导出所选题目（CSV）"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Question]) -> HttpResponse:
        return _download(questions_export_csv(queryset), "questions.csv", "text/csv; charset=utf-8")

    @admin.action(description=gettext_lazy("刷新所选题目的统计"))
    def refresh_statistics(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        refresh_item_statistics.enqueue(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("已提交统计任务，稍后刷新页面即可看到结果。"))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="learning_question_import",
            ),
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="learning_question_export",
            ),
            path(
                "refresh-statistics/",
                self.admin_site.admin_view(self.refresh_view),
                name="learning_question_refresh",
            ),
        ]
        return own + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra = {"statistics_at": item_statistics_last_run(), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def _import_orgs(self, request: HttpRequest) -> QuerySet[Organisation]:
        if user_is_platform_admin(request.user):
            return Organisation.objects.filter(is_active=True)
        return Organisation.objects.filter(pk__in=self._orgs(request, self.change_roles))

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        platform = user_is_platform_admin(request.user)
        form = QuestionImportForm(
            request.POST or None,
            request.FILES or None,
            organisations=self._import_orgs(request),
            platform=platform,
        )
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            report = questions_import(
                name=upload.name,
                content=upload.read(),
                organisation=form.cleaned_data["organisation"],
            )
            if report.ok:
                self.message_user(
                    request,
                    _("导入成功：新增 %(c)d 道，更新 %(u)d 道，未变化 %(s)d 道。")
                    % {"c": report.created, "u": report.updated, "s": report.unchanged},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:learning_question_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入题目"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(
            request, "learning/admin/question_import.html", context, status=400 if report else 200
        )

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        questions = self.get_queryset(request)
        if fmt == "csv":
            return _download(
                questions_export_csv(questions), "questions.csv", "text/csv; charset=utf-8"
            )
        return _download(questions_export_xlsx(questions), "questions.xlsx", XLSX)

    def refresh_view(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and self.has_view_permission(request):
            ids = list(self.get_queryset(request).values_list("pk", flat=True))
            refresh_item_statistics.enqueue(ids)
            self.message_user(request, _("已提交统计任务，稍后刷新页面即可看到结果。"))
        return HttpResponseRedirect(reverse("admin:learning_question_changelist"))


@admin.register(Quiz)
class QuizAdmin(OrgScopedAdmin):
    change_roles = BANK_ROLES
    list_display = [
        "title",
        "topic",
        "kind",
        "levels",
        "question_count",
        "pass_percent",
        "is_active",
    ]
    list_filter = ["kind", "topic", "is_active"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["questions"]
    prepopulated_fields = {"slug": ("title",)}

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "questions" and not user_is_platform_admin(request.user):
            orgs = self._orgs(request, self.change_roles)
            kwargs["queryset"] = Question.objects.practice().filter(organisation__in=orgs)
        elif db_field.name == "questions":
            kwargs["queryset"] = Question.objects.practice()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PlatformOnlyAdmin(admin.ModelAdmin):
    """Instruments whose changes need the platform (they come from reviewed starter files)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LiteracyItem)
class LiteracyItemAdmin(PlatformOnlyAdmin):
    change_list_template = "learning/admin/literacy_change_list.html"
    list_display = [
        "form",
        "position",
        "question_key",
        "dimension",
        "expected_p",
        "observed_p",
        "pair_key",
    ]
    list_filter = ["form", "dimension"]
    list_select_related = ["question__statistic", "dimension"]
    ordering = ["form", "position"]

    @admin.display(description=gettext_lazy("题目"))
    def question_key(self, obj: LiteracyItem) -> str:
        return obj.question.key

    @admin.display(description=gettext_lazy("实测答对率"))
    def observed_p(self, obj: LiteracyItem) -> str:
        stat = getattr(obj.question, "statistic", None)
        return f"{stat.facility:.2f}" if stat and stat.facility is not None else "—"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra = {"comparison": literacy_form_comparison(), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)


@admin.register(RiskQuestionnaire)
class RiskQuestionnaireAdmin(PlatformOnlyAdmin):
    list_display = ["slug", "updated_at"]
