"""The questionnaire builder for staff: forms and the access check.

Questions are edited as one formset: order by the 顺序 numbers, add in the blank rows,
remove with 删除. Skip logic names an earlier question's code.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Role
from wanlixing.accounts.selectors import AnyUser, user_is_platform_admin, user_org_ids

from .models import METRIC_CHOICES, Instrument, InstrumentKind, ItemKind, SkipOperator

BUILDER_ROLES = (Role.ORGANISER, Role.ORG_ADMIN)


def instruments_for_builder(user: AnyUser) -> QuerySet[Instrument]:
    qs = Instrument.objects.select_related("organisation", "campaign").order_by("-created_at")
    if user_is_platform_admin(user):
        return qs
    return qs.filter(organisation_id__in=user_org_ids(user, BUILDER_ROLES))


def instrument_get_for_builder(*, user: AnyUser, instrument_id: int) -> Instrument:
    """An instrument the user may edit: organisers and admins of its organisation."""
    instrument = Instrument.objects.filter(pk=instrument_id).first()
    if instrument is None:
        raise Http404
    if user_is_platform_admin(user):
        return instrument
    if instrument.organisation_id in user_org_ids(user, BUILDER_ROLES):
        return instrument
    raise PermissionDenied


class InstrumentCreateForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("所属机构"), coerce=int)
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[
            (k.value, k.label)
            for k in (InstrumentKind.SATISFACTION, InstrumentKind.FOLLOW_UP, InstrumentKind.CUSTOM)
        ],
    )
    title = forms.CharField(label=_("标题"), max_length=100)

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.pk, o.name) for o in organisations]


class ItemForm(forms.Form):
    position = forms.IntegerField(label=_("顺序"), min_value=1, max_value=999, required=False)
    key = forms.SlugField(label=_("代码"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("题型"), choices=ItemKind.choices)
    text = forms.CharField(label=_("题目"), max_length=300, required=False)
    help = forms.CharField(label=_("提示"), max_length=200, required=False)
    options = forms.CharField(
        label=_("选项（每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    required = forms.BooleanField(label=_("必答"), required=False)
    show_if_key = forms.SlugField(label=_("显示条件：题目代码"), max_length=40, required=False)
    show_if_operator = forms.ChoiceField(
        label=_("显示条件：关系"), choices=SkipOperator.choices, required=False
    )
    show_if_value = forms.IntegerField(
        label=_("显示条件：选项序号或分值"), min_value=1, max_value=50, required=False
    )
    metric = forms.ChoiceField(
        label=_("统计指标"), choices=[("", "—"), *METRIC_CHOICES], required=False
    )
    positive_options = forms.RegexField(
        label=_("计为“是”的选项序号（逗号分隔）"),
        regex=r"^\s*(\d+\s*(,\s*\d+\s*)*)?$",
        required=False,
        error_messages={"invalid": _("请填写选项序号，用逗号分隔，例如 1,2。")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("text") and not data.get("key"):
            self.add_error("key", _("请填写题目代码（字母、数字或短横线）。"))
        if data.get("key") and not data.get("text"):
            self.add_error("text", _("请填写题目。"))
        return data

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "key": data["key"],
            "kind": data["kind"],
            "text": data["text"],
            "help": data.get("help", ""),
            "options": [
                line.strip() for line in data.get("options", "").splitlines() if line.strip()
            ],
            "required": data.get("required", False),
            "show_if_key": data.get("show_if_key", ""),
            "show_if_operator": data.get("show_if_operator") or SkipOperator.IS,
            "show_if_value": data.get("show_if_value"),
            "metric": data.get("metric", ""),
            "positive_options": [
                int(p) for p in (data.get("positive_options") or "").split(",") if p.strip()
            ],
        }


ItemFormSet = forms.formset_factory(ItemForm, extra=2, can_delete=True, max_num=80)


def item_initial(instrument: Instrument) -> list[dict[str, Any]]:
    return [
        {
            "position": item.position,
            "key": item.key,
            "kind": item.kind,
            "text": item.text,
            "help": item.help,
            "options": "\n".join(item.options),
            "required": item.required,
            "show_if_key": item.show_if_key,
            "show_if_operator": item.show_if_operator,
            "show_if_value": item.show_if_value,
            "metric": item.metric,
            "positive_options": ",".join(str(p) for p in item.positive_options),
        }
        for item in instrument.items.order_by("position")
    ]


def ordered_rows(formset: Any) -> list[dict[str, Any]]:
    """The filled, not deleted rows, ordered by their 顺序 numbers (blank ones last)."""
    chosen = []
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("key"):
            continue
        chosen.append((data.get("position") or 10_000 + index, index, form.row()))
    return [row for _position, _index, row in sorted(chosen, key=lambda t: (t[0], t[1]))]
