from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _


class CorrectionForm(forms.Form):
    """Back office: take back points of one ledger entry."""

    points = forms.IntegerField(
        label=_("扣回积分"),
        min_value=1,
        help_text=_("从这条记录中扣回的积分数，最多为该记录的积分。"),
    )
    reason = forms.CharField(
        label=_("更正原因"),
        max_length=200,
        help_text=_("将写入积分记录，用户在“我的积分”里能看到。"),
    )

    def __init__(self, *args, max_points: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["points"]
        field.validators.append(MaxValueValidator(max_points))
        field.widget.attrs["max"] = max_points


class LeaderboardSettingForm(forms.Form):
    opt_out = forms.BooleanField(
        label=_("不参加排行榜（我的名字不出现在任何排行榜上）"),
        required=False,
    )
