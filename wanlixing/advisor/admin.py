from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Role
from wanlixing.accounts.selectors import user_is_platform_admin
from wanlixing.core.admin import OrgScopedAdmin

from .models import AskedQuestion, Collection, ContentGap, FaqEntry, Synonym
from .services import collection_touch, faq_entry_save

EDITORS = frozenset({Role.ORG_ADMIN, Role.EDITOR})


@admin.register(Collection)
class CollectionAdmin(OrgScopedAdmin):
    list_display = ["name", "slug", "organisation", "is_public", "entry_count", "tools"]
    search_fields = ["name", "slug"]
    change_roles = EDITORS

    @admin.display(description=_("问答数"))
    def entry_count(self, obj: Collection) -> int:
        return obj.entries.filter(is_active=True).count()

    @admin.display(description=_("工具"))
    def tools(self, obj: Collection) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("advisor:gaps", args=[obj.pk]),
            _("内容缺口"),
            reverse("advisor:faq_import", args=[obj.pk]),
            _("导入/导出"),
        )


class LinesField(forms.Field):
    """A list of strings edited one per line (相似问) or comma-separated (标签)."""

    def __init__(self, *, separator: str = "\n", **kwargs: Any) -> None:
        self.separator = separator
        widget = forms.Textarea(attrs={"rows": 6}) if separator == "\n" else forms.TextInput()
        super().__init__(widget=widget, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return self.separator.join(value) if self.separator == "\n" else ", ".join(value)
        return value or ""

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        text = str(value or "")
        parts = text.splitlines() if self.separator == "\n" else text.replace("，", ",").split(",")
        return [p.strip() for p in parts if p.strip()]


class FaqEntryForm(forms.ModelForm):
    similar = LinesField(label=_("相似问"), required=False, help_text=_("每行一条。"))
    tags = LinesField(separator=",", label=_("标签"), required=False, help_text=_("用逗号分隔。"))

    class Meta:
        model = FaqEntry
        fields = [
            "collection",
            "external_id",
            "question",
            "similar",
            "answer",
            "source",
            "tags",
            "topic",
            "is_active",
        ]


@admin.register(FaqEntry)
class FaqEntryAdmin(OrgScopedAdmin):
    form = FaqEntryForm
    org_lookup = "collection__organisation"
    change_roles = EDITORS
    list_display = ["question", "external_id", "collection", "topic", "is_active", "updated_at"]
    list_filter = ["collection", "topic", "is_active"]
    search_fields = ["question", "external_id", "answer"]
    readonly_fields = ["promoted_from"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "collection" and not user_is_platform_admin(request.user):
            kwargs["queryset"] = Collection.objects.filter(
                organisation_id__in=self._orgs(request, self.change_roles)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        assert isinstance(obj, FaqEntry)
        faq_entry_save(entry=obj)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        assert isinstance(obj, FaqEntry)
        collection = obj.collection
        super().delete_model(request, obj)
        collection_touch(collection=collection)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """The platform-wide synonym list: platform admins edit it."""

    list_display = ["variant", "canonical", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["variant", "canonical"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return user_is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return user_is_platform_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return user_is_platform_admin(request.user)


@admin.register(ContentGap)
class ContentGapAdmin(OrgScopedAdmin):
    org_lookup = "collection__organisation"
    change_roles = EDITORS
    list_display = ["label", "count", "declined", "collection", "status", "last_seen"]
    list_filter = ["status", "collection"]
    readonly_fields = [
        "label",
        "count",
        "declined",
        "samples",
        "nearest",
        "first_seen",
        "last_seen",
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(AskedQuestion)
class AskedQuestionAdmin(OrgScopedAdmin):
    org_lookup = "collection__organisation"
    list_display = ["text", "confidence", "outcome", "collection", "created_at"]
    list_filter = ["outcome", "collection"]
    exclude = ["user"]
    readonly_fields = [
        "collection",
        "text",
        "normalised",
        "confidence",
        "outcome",
        "nearest",
        "gap",
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
