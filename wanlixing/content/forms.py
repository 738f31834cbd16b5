from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Segment

from .models import ArticleKind, Topic


class LibraryFilterForm(forms.Form):
    """Search box and filters of the library pages (all optional)."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("例如：存款保险、刷单、征信"),
                "enterkeyhint": "search",
            }
        ),
    )
    topic = forms.ChoiceField(label=_("主题"), required=False)
    audience = forms.ChoiceField(label=_("适合人群"), required=False)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *ArticleKind.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topic_field = self.fields["topic"]
        assert isinstance(topic_field, forms.ChoiceField)
        topic_field.choices = [("", _("全部主题")), *Topic.objects.values_list("slug", "name")]
        audience_field = self.fields["audience"]
        assert isinstance(audience_field, forms.ChoiceField)
        audience_field.choices = [
            ("", _("所有人")),
            *Segment.objects.values_list("code", "name"),
        ]

    def filters(self) -> dict[str, str | None]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "topic": data.get("topic") or None,
            "audience": data.get("audience") or None,
            "kind": data.get("kind") or None,
        }

    def query(self) -> str:
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""
