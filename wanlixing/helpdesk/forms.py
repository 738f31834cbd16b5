from __future__ import annotations

from functools import cache

from django import forms
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.regions import region_choices

from .models import Category, InstitutionType, Kind, Status
from .triage import participating_organisations


@cache
def _region_options() -> list[tuple[str, str]]:
    return region_choices()


class RouteForm(forms.Form):
    """Step one: what kind of problem, with whom, where."""

    category = forms.ChoiceField(label=_("遇到了什么问题"), choices=Category.choices)
    institution_type = forms.ChoiceField(
        label=_("涉及哪类机构"),
        choices=[("", _("不清楚")), *InstitutionType.choices],
        required=False,
    )
    region_code = forms.ChoiceField(label=_("您所在的地区"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("", _("不选（全国）")), *_region_options()]  # type: ignore[attr-defined]


class TicketForm(RouteForm):
    kind = forms.ChoiceField(
        label=_("您想"), choices=Kind.choices, initial=Kind.COMPLAINT, widget=forms.RadioSelect
    )
    organisation = forms.ChoiceField(
        label=_("涉及的机构是否在下面的名单里"),
        required=False,
        help_text=_("名单里的机构已在平台开通在线受理，选中后由该机构直接处理。"),
    )
    institution_name = forms.CharField(
        label=_("机构名称"),
        max_length=100,
        required=False,
        help_text=_("例如：某某银行某某支行、某某保险公司。"),
    )
    description = forms.CharField(
        label=_("事情经过"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("什么时间、在哪里、发生了什么、涉及多少钱。不要填写银行卡密码和验证码。"),
    )
    desired_outcome = forms.CharField(
        label=_("您希望怎么解决"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    attachment = forms.FileField(
        label=_("附件（可选）"),
        required=False,
        help_text=_("图片（JPEG、PNG、WebP）或 PDF，每个不超过 5 MB；提交后还可以继续上传。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )

    field_order = [
        "kind",
        "category",
        "institution_type",
        "organisation",
        "institution_name",
        "region_code",
        "description",
        "desired_outcome",
        "attachment",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", _("不在名单里 / 不清楚")),
            *[(str(o.pk), o.name) for o in participating_organisations()],
        ]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("回复内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("上传附件"),
        help_text=_("图片（JPEG、PNG、WebP）或 PDF，每个不超过 5 MB，每张单最多 5 个。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[
            (5, _("5 星 非常满意")),
            (4, _("4 星 满意")),
            (3, _("3 星 一般")),
            (2, _("2 星 不满意")),
            (1, _("1 星 非常不满意")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价（可选）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class StaffMessageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[("reply", _("回复提交人（对方可见）")), ("note", _("内部备注（仅工作人员可见）"))],
        widget=forms.RadioSelect,
        initial="reply",
    )
    body = forms.CharField(
        label=_("内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    status = forms.ChoiceField(
        label=_("同时把状态改为"),
        required=False,
        choices=[
            ("", _("不变")),
            (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
            (Status.WAITING, Status.WAITING.label),
            (Status.RESOLVED, Status.RESOLVED.label),
        ],
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[
            (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
            (Status.WAITING, Status.WAITING.label),
            (Status.RESOLVED, Status.RESOLVED.label),
            (Status.CLOSED, Status.CLOSED.label),
        ],
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )
