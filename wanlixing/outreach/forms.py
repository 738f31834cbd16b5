from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import AgeBand

from .models import Audience, Skill


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


class RegionFilterForm(forms.Form):
    region = forms.RegexField(
        label=_("地区代码（省2位/市4位）"),
        regex=r"^(\d{2}|\d{4})$",
        required=False,
        error_messages={"invalid": _("请填写省级2位或市级4位行政区划代码，例如 44 或 4403。")},
    )


class RouteVisitForm(forms.Form):
    stop = forms.TypedChoiceField(label=_("停靠点"), coerce=int)
    visited_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    people_served = forms.IntegerField(label=_("服务人数"), min_value=0, max_value=100000)
    materials = forms.IntegerField(
        label=_("发放资料（份）"), min_value=0, max_value=1000000, required=False
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, stops: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["stop"]).choices = [(s.pk, str(s)) for s in stops]


class VolunteerApplyForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("加入的志愿服务队/机构"), coerce=int)
    skills = forms.MultipleChoiceField(
        label=_("技能"), choices=Skill.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    region_code = forms.RegexField(
        label=_("服务地区（6位行政区划代码，可不填）"),
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": _("请填写6位行政区划代码，例如 440305。")},
    )
    about = forms.CharField(
        label=_("自我介绍"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, organisations: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["organisation"])
        field.choices = [(o.pk, o.name) for o in organisations]


class HoursForm(forms.Form):
    hours = forms.DecimalField(
        label=_("服务时长（小时）"), min_value=0.1, max_value=24, decimal_places=1, required=False
    )
