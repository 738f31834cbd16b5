from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Segment

from .models import ChannelCode, FraudType, Severity


def _codes(text: str) -> list[str]:
    return [c for c in text.replace("，", ",").replace(" ", ",").split(",") if c]


class AlertForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=80)
    fraud_type = forms.ChoiceField(label=_("诈骗类型"), choices=FraudType.choices)
    severity = forms.ChoiceField(
        label=_("风险等级"), choices=Severity.choices, initial=Severity.MEDIUM
    )
    watch_for = forms.CharField(
        label=_("需要警惕什么"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    what_to_do = forms.CharField(
        label=_("应该怎么做"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    regions = forms.CharField(
        label=_("地区代码"),
        required=False,
        max_length=400,
        help_text=_(
            "6位行政区划代码，多个用逗号分隔，例如 440300（深圳市）；留空表示全国（仅平台可用）。"
        ),
    )
    segments = forms.ModelMultipleChoiceField(
        label=_("面向群体（不选表示所有人）"),
        queryset=Segment.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=_("推送渠道（站内消息总会发送）"),
        choices=[(c.value, c.label) for c in ChannelCode if c != ChannelCode.IN_APP],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_at = forms.DateTimeField(
        label=_("失效时间（可选）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_regions(self) -> list[str]:
        return _codes(self.cleaned_data.get("regions", ""))

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "fraud_type": data["fraud_type"],
            "severity": data["severity"],
            "watch_for": data["watch_for"],
            "what_to_do": data["what_to_do"],
            "regions": data["regions"],
            "segments": [s.code for s in data["segments"]],
            "channels": data["channels"],
            "expires_at": data["expires_at"],
        }


class ScriptDraftForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=80)
    fraud_type = forms.ChoiceField(label=_("诈骗类型"), choices=FraudType.choices)
    examples = forms.CharField(
        label=_("骗子的典型说法（每行一句）"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
    )
    regions = forms.CharField(
        label=_("地区代码"),
        required=False,
        max_length=400,
        help_text=_("多个用逗号分隔；留空表示全国（仅平台可用）。"),
    )

    def clean_regions(self) -> list[str]:
        return _codes(self.cleaned_data.get("regions", ""))

    def clean_examples(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["examples"].splitlines() if line.strip()]


class PreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(label=_("电子邮件"), required=False)
    sms_enabled = forms.BooleanField(label=_("短信"), required=False)
    wechat_enabled = forms.BooleanField(label=_("微信"), required=False)
    quiet_start = forms.TimeField(
        label=_("免打扰开始"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("免打扰结束"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    opted_out = forms.BooleanField(label=_("暂停接收所有通知"), required=False)
