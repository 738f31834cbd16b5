from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import AgeBand

from .models import Audience


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("姓名或称呼"), max_length=40)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("仅用于活动通知，工作人员只能看到打码后的号码。"),
    )
    audience = forms.ChoiceField(label=_("您属于"), choices=Audience.choices)
    age_band = forms.ChoiceField(
        label=_("年龄段"), choices=[("", _("不愿透露")), *AgeBand.choices], required=False
    )
    consent = forms.BooleanField(
        label=_("我同意主办方为组织本次活动使用以上信息（详见隐私政策）"), required=True
    )


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("参与码"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "placeholder": "ABCD-2345",
            }
        ),
    )
    audience = forms.ChoiceField(
        label=_("现场加入者所属人群"),
        choices=[("", _("未询问")), *Audience.choices],
        required=False,
    )
