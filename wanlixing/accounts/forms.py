from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import AgeBand, AreaType, Occupation, Organisation, Segment
from .regions import region_choices


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名或手机号"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("用户名/手机号或密码不正确。"),
        "inactive": _("该账号已停用。"),
    }


class SignUpForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号"),
        required=False,
        max_length=20,
        help_text=_("11位中国大陆手机号，可用于登录；工作人员只能看到遮挡后的号码。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    username = forms.CharField(
        label=_("用户名"),
        required=False,
        max_length=30,
        help_text=_("不填手机号时必填：3–30个字符，中文、字母、数字或下划线。"),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    display_name = forms.CharField(label=_("昵称"), required=False, max_length=40)
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        help_text=_("至少8位，不要只用数字。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    segments = forms.ModelMultipleChoiceField(
        label=_("我属于（可多选，用于推荐内容）"),
        queryset=Segment.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accept_privacy = forms.BooleanField(label=_("我已阅读并同意隐私政策"), required=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("两次输入的密码不一致。"))
        if not data.get("phone") and not data.get("username"):
            self.add_error("username", _("请填写用户名或手机号。"))
        return data


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("昵称"), required=False, max_length=40)
    age_band = forms.ChoiceField(
        label=_("年龄段"), choices=[("", "—"), *AgeBand.choices], required=False
    )
    occupation = forms.ChoiceField(
        label=_("职业"), choices=[("", "—"), *Occupation.choices], required=False
    )
    region_code = forms.ChoiceField(label=_("所在地区"), required=False)
    area_type = forms.ChoiceField(
        label=_("城镇/农村"), choices=[("", "—"), *AreaType.choices], required=False
    )
    segments = forms.ModelMultipleChoiceField(
        label=_("受众群体"),
        queryset=Segment.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    affiliation = forms.ModelChoiceField(
        label=_("所在学校/单位/社区"),
        queryset=Organisation.objects.filter(
            is_active=True,
            kind__in=["school", "community", "bank", "insurer", "securities", "other"],
        ),
        required=False,
        help_text=_("用于排行榜分组，可不填。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("", "—"), *region_choices()]  # type: ignore[attr-defined]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("请输入密码确认注销"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(label=_("我明白注销后无法恢复"), required=True)
