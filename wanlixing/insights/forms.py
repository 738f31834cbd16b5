from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation
from wanlixing.outreach.models import Audience, Campaign, EventKind

from .aggregates import Filters


class DashboardFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("活动"), queryset=Campaign.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("机构"), queryset=Organisation.objects.none(), required=False
    )
    region = forms.RegexField(
        label=_("地区代码（省2位/市4位）"),
        regex=r"^(\d{2}|\d{4})$",
        required=False,
        error_messages={"invalid": _("请填写省级2位或市级4位行政区划代码，例如 44 或 4403。")},
    )
    audience = forms.ChoiceField(
        label=_("人群"), choices=[("", _("全部")), *Audience.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("活动形式"), choices=[("", _("全部")), *EventKind.choices], required=False
    )
    month_from = forms.DateField(
        label=_("起始月份"),
        input_formats=["%Y-%m"],
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    month_to = forms.DateField(
        label=_("截止月份"),
        input_formats=["%Y-%m"],
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args: Any, campaigns: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def filters(self, scope: frozenset[int] | None) -> Filters:
        data = self.cleaned_data
        month_from: dt.date | None = data.get("month_from")
        month_to: dt.date | None = data.get("month_to")
        return Filters(
            campaign_id=data["campaign"].pk,
            scope=scope,
            organisation_id=data["organisation"].pk if data.get("organisation") else None,
            region=data.get("region") or "",
            audience=data.get("audience") or "",
            kind=data.get("kind") or "",
            month_from=month_from.replace(day=1) if month_from else None,
            month_to=month_to.replace(day=1) if month_to else None,
        )
