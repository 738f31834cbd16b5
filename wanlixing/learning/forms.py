"""Back-office forms: editing a question in plain text, uploading a question spreadsheet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation

from .bank import (
    MAX_IMPORT_BYTES,
    OPTION_LETTERS,
    BankContext,
    QuestionInput,
    answer_text_parse,
    question_input_errors,
)
from .models import TRUEFALSE_OPTIONS, Question, QuestionKind


class QuestionAdminForm(forms.ModelForm):
    """Options one per line and the answer as letters, checked by the bank's own rules."""

    options_text = forms.CharField(
        label=_("选项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一个选项；判断题留空"),
    )
    answer_text = forms.CharField(
        label=_("答案"),
        max_length=20,
        help_text=_("选择题填字母，如 A 或 A,C；判断题填“正确”或“错误”"),
    )

    class Meta:
        model = Question
        fields = [
            "key",
            "organisation",
            "kind",
            "topic",
            "difficulty",
            "audiences",
            "stem",
            "options_text",
            "answer_text",
            "explanation",
            "article",
            "source",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        question = self.instance
        if question.pk:
            if question.kind != QuestionKind.TRUEFALSE:
                self.initial["options_text"] = "\n".join(question.options)
                self.initial["answer_text"] = ",".join(OPTION_LETTERS[i] for i in question.correct)
            else:
                self.initial["answer_text"] = TRUEFALSE_OPTIONS[question.correct[0]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind") or ""
        lines = [
            line.strip() for line in (data.get("options_text") or "").splitlines() if line.strip()
        ]
        options = TRUEFALSE_OPTIONS if kind == QuestionKind.TRUEFALSE and not lines else lines
        correct = answer_text_parse(data.get("answer_text") or "", kind, len(options))
        if correct is None:
            self.add_error("answer_text", _("答案格式不正确。"))
            return data
        topic = data.get("topic")
        article = data.get("article")
        candidate = QuestionInput(
            key=data.get("key") or "",
            kind=kind,
            topic=topic.slug if topic else "",
            difficulty=data.get("difficulty") or 0,
            audiences=[s.code for s in data.get("audiences") or []],
            stem=data.get("stem") or "",
            options=list(options),
            correct=correct,
            explanation=data.get("explanation") or "",
            article=article.slug if article else "",
            source=data.get("source") or "",
        )
        field_map = {"options": "options_text", "answer": "answer_text"}
        for error in question_input_errors(candidate, BankContext()):
            name = field_map.get(error.field, error.field)
            if name in self.fields and name not in self.errors:
                self.add_error(name, error.message)
        self.instance.options = list(options)
        self.instance.correct = correct
        return data


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label=_("题目文件"), help_text=_("XLSX 或 CSV，表头与导出文件相同；上限 5 MB")
    )
    organisation = forms.ModelChoiceField(
        label=_("导入到"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("平台题库"),
    )

    def __init__(self, *args: Any, organisations: Any, platform: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        if not platform:
            field.required = True
            field.empty_label = None

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件过大（上限 5 MB）。"))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只支持 .xlsx 或 .csv 文件。"))
        return upload
