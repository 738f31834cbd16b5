from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.regions import region_is_valid

from .loan import METHOD_NAMES
from .models import ReportChannel
from .scam.checker import MAX_CHARS


class CheckForm(forms.Form):
    text = forms.CharField(
        label=_("要检查的内容"),
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": MAX_CHARS}),
        help_text=_("粘贴短信、聊天记录或通话内容，最多 5000 字。检查的内容不会被保存。"),
        strip=False,
        max_length=MAX_CHARS,
        error_messages={
            "required": _("请粘贴要检查的短信、聊天记录或通话内容。"),
            "max_length": _("内容太长了，一次最多检查 5000 字，请分段粘贴。"),
        },
    )


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("可疑内容"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_CHARS}),
        max_length=MAX_CHARS,
        error_messages={"required": _("请填写可疑的短信或聊天内容。")},
    )
    channel = forms.ChoiceField(label=_("从哪里收到的"), choices=ReportChannel.choices)
    sender = forms.CharField(label=_("对方的号码或账号（选填）"), max_length=100, required=False)
    region_code = forms.CharField(
        label=_("您所在地区代码（选填）"),
        max_length=6,
        required=False,
        help_text=_("6 位行政区划代码，例如 440305；填写后举报会转给当地公安或监管部门。"),
    )
    contact = forms.CharField(
        label=_("您的联系方式（选填）"),
        max_length=100,
        required=False,
        help_text=_("只在需要向您核实时使用。"),
    )
    consent = forms.BooleanField(
        label=_("我同意把以上内容提交给平台，用于反诈预警和案例整理"),
        error_messages={"required": _("提交举报需要您勾选同意。")},
    )

    def clean_region_code(self) -> str:
        code = self.cleaned_data.get("region_code", "").strip()
        if code and not region_is_valid(code):
            raise forms.ValidationError(_("地区代码无效，请填写 6 位行政区划代码或留空。"))
        return code


class LoanForm(forms.Form):
    method = forms.ChoiceField(
        label=_("还款方式"), choices=[(k, v) for k, v in METHOD_NAMES.items() if k != "cashflows"]
    )
    principal = forms.DecimalField(label=_("借款金额（元）"), min_value=0, required=False)
    periods = forms.IntegerField(label=_("期数（月）"), min_value=0, required=False)
    annual_rate = forms.DecimalField(
        label=_("合同年利率（%）"), required=False, help_text=_("等额本息、等额本金、先息后本填写")
    )
    fee_rate_per_period = forms.DecimalField(
        label=_("每期手续费率（%）"), required=False, help_text=_("分期手续费填写，例如 0.6")
    )
    payment = forms.DecimalField(
        label=_("每期还款额（元）"), required=False, help_text=_("“已知每期还款额”填写")
    )
    upfront_fee = forms.DecimalField(
        label=_("放款时扣的费用（元）"), required=False, help_text=_("服务费、手续费、砍头息等")
    )
    recurring_fee = forms.DecimalField(label=_("每期另收费用（元）"), required=False)
    contract_date = forms.DateField(
        label=_("合同日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def loan_data(self) -> dict[str, Any]:
        """The calculator input (percent fields become fractions)."""
        data = self.cleaned_data
        out: dict[str, Any] = {"method": data["method"]}
        for key in ("principal", "periods", "payment", "upfront_fee", "recurring_fee"):
            if data.get(key) is not None:
                out[key] = float(data[key])
        for key in ("annual_rate", "fee_rate_per_period"):
            if data.get(key) is not None:
                out[key] = float(data[key]) / 100
        if data.get("contract_date"):
            out["contract_date"] = data["contract_date"].isoformat()
        return out
