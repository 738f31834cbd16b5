from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .importing import FORMATS


class AskForm(forms.Form):
    question = forms.CharField(
        label=_("您的问题"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": _("例如：钱被骗了怎么办？"),
                "autocomplete": "off",
            }
        ),
    )
    collection = forms.SlugField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Longer text is refused with a message by the safety screen, not cut silently.
        self.fields["question"].widget.attrs["maxlength"] = settings.ADVISOR_MAX_QUESTION_CHARS


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("问答文件"),
        help_text=_("支持 .jsonl、.csv、.xlsx；按编号（external_id）新增或更新。"),
    )
    deactivate_missing = forms.BooleanField(label=_("停用文件中没有的已有问答"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 20 MB。"))
        suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in (*FORMATS, "json", "ndjson"):
            raise forms.ValidationError(_("请上传 .jsonl、.csv 或 .xlsx 文件。"))
        return upload


class PromoteForm(forms.Form):
    question = forms.CharField(label=_("标准问"), max_length=300)
    similar = forms.CharField(
        label=_("相似问"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一条。"),
    )
    answer = forms.CharField(label=_("答案"), widget=forms.Textarea(attrs={"rows": 6}))
    source = forms.CharField(label=_("来源"), max_length=300)

    def clean_similar(self) -> list[str]:
        lines = [s.strip() for s in self.cleaned_data.get("similar", "").splitlines()]
        return [s for s in lines if s][:50]


class HandoffForm(forms.Form):
    question = forms.CharField(label=_("您的问题"), max_length=1000)
    collection = forms.SlugField(required=False, widget=forms.HiddenInput)
    details = forms.CharField(
        label=_("补充说明（可选）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例如事情经过、涉及的机构。请不要填写密码、验证码或完整银行卡号。"),
    )
