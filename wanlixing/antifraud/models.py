from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation

FRAUD_TYPES = [
    ("brushing", _("刷单返利")),
    ("fake-investment", _("虚假网络投资理财")),
    ("fake-loan", _("虚假网络贷款")),
    ("fake-customer-service", _("冒充电商物流客服")),
    ("impersonate-authority", _("冒充公检法及政府机关")),
    ("fake-credit-report", _("虚假征信")),
    ("fake-shopping", _("虚假购物服务")),
    ("impersonate-acquaintance", _("冒充领导熟人")),
    ("game-trade", _("网络游戏产品虚假交易")),
    ("romance", _("网络婚恋交友（杀猪盘）")),
    ("illegal-fundraising", _("非法集资")),
    ("predatory-loan", _("套路贷/校园贷")),
    ("credit-repair", _("征信修复")),
]
FRAUD_TYPE_NAMES = dict(FRAUD_TYPES)
# The library topic whose articles and cases explain each fraud type.
FRAUD_TYPE_TOPICS = {
    "illegal-fundraising": "illegal-fundraising",
    "credit-repair": "credit-report",
    "fake-credit-report": "credit-report",
    "predatory-loan": "loan-rate",
    "fake-loan": "loan-rate",
    "fake-investment": "rational-investing",
}


class RedFlag(models.Model):
    """A red-flag rule of the scam checker, maintained by editors in the back office."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    weight = models.FloatField(
        _("权重"), default=0.5, help_text=_("0–1：这条红旗单独出现时有多大把握是诈骗")
    )
    fraud_types = models.JSONField(_("相关诈骗类型"), default=list, blank=True)
    patterns = models.JSONField(
        _("匹配规则"), default=list, help_text=_("正则表达式列表；文本已转小写、删除空白")
    )
    negative_patterns = models.JSONField(
        _("排除规则"), default=list, blank=True, help_text=_("在命中处前后 40 字内出现则不算")
    )
    explanation = models.TextField(_("解释"), blank=True)
    advice = models.TextField(_("建议"), blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-weight", "code"]
        verbose_name = _("红旗规则")
        verbose_name_plural = _("红旗规则")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def as_rule_data(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "weight": self.weight,
            "fraud_types": self.fraud_types,
            "patterns": self.patterns,
            "negative_patterns": self.negative_patterns,
            "explanation": self.explanation,
            "advice": self.advice,
        }

    def clean(self) -> None:
        from .scam.rules import RuleError, rule_build

        for name in ("patterns", "negative_patterns", "fraud_types"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValidationError({name: _('必须是文字列表，例如 ["安全账户"]。')})
        unknown = set(self.fraud_types) - set(FRAUD_TYPE_NAMES)
        if unknown:
            raise ValidationError(
                {"fraud_types": _("未知的诈骗类型：%s") % "、".join(sorted(unknown))}
            )
        try:
            rule_build(self.as_rule_data())
        except RuleError as exc:
            raise ValidationError(str(exc)) from exc


class LprRate(models.Model):
    """One-year and 5-year-plus LPR from an effective date until the next change."""

    effective_date = models.DateField(_("生效日期"), unique=True)
    one_year = models.DecimalField(_("一年期LPR（%）"), max_digits=5, decimal_places=2)
    five_year = models.DecimalField(
        _("五年期以上LPR（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_date"]
        verbose_name = _("LPR 报价")
        verbose_name_plural = _("LPR 报价")

    def __str__(self) -> str:
        return f"{self.effective_date} {self.one_year}%"

    def clean(self) -> None:
        if self.one_year is not None and not 0 < self.one_year < 20:
            raise ValidationError({"one_year": _("一年期LPR应在 0 到 20（%）之间。")})


class Drill(models.Model):
    """A role-play scenario (防诈模拟演练), stored as validated YAML with a version number."""

    slug = models.SlugField(_("代码"), max_length=80, unique=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    title = models.CharField(_("标题"), max_length=120)
    fraud_type = models.CharField(_("诈骗类型"), max_length=40, choices=FRAUD_TYPES)
    difficulty = models.PositiveSmallIntegerField(_("难度"), default=1)
    source_yaml = models.TextField(_("剧本（YAML）"))
    data = models.JSONField(_("剧本数据"), default=dict, editable=False)
    is_active = models.BooleanField(_("上线"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["difficulty", "slug"]
        verbose_name = _("模拟演练")
        verbose_name_plural = _("模拟演练")

    def __str__(self) -> str:
        return self.title


class ReportStatus(models.TextChoices):
    NEW = "new", _("待处理")
    CONFIRMED = "confirmed", _("确认诈骗")
    REJECTED = "rejected", _("不是诈骗")
    DUPLICATE = "duplicate", _("重复")


class ReportChannel(models.TextChoices):
    SMS = "sms", _("短信")
    CHAT = "chat", _("聊天消息")
    CALL = "call", _("电话")
    OTHER = "other", _("其他")


class ScamReport(models.Model):
    """A suspicious message someone chose to report (我要举报), with explicit consent."""

    text = models.TextField(_("可疑内容"))
    channel = models.CharField(
        _("来源渠道"), max_length=10, choices=ReportChannel.choices, default=ReportChannel.SMS
    )
    sender = models.CharField(_("对方号码或账号"), max_length=100, blank=True)
    contact = models.CharField(_("举报人联系方式"), max_length=100, blank=True)
    region_code = models.CharField(_("所在地区"), max_length=6, blank=True)
    consent_at = models.DateTimeField(_("同意时间"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("举报人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("受理单位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("按地区分给公安或监管部门；为空时由平台处理"),
    )
    risk = models.FloatField(_("风险分"), default=0)
    verdict = models.CharField(_("检测结论"), max_length=12, blank=True)
    fraud_type = models.CharField(_("诈骗类型"), max_length=40, blank=True, choices=FRAUD_TYPES)
    flags = models.JSONField(_("命中红旗"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    review_note = models.TextField(_("处理意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("可疑信息举报")
        verbose_name_plural = _("可疑信息举报")

    def __str__(self) -> str:
        return self.text[:40]


class EmergingScript(models.Model):
    """A cluster of similar recent reports: a script that may be new (for editors)."""

    computed_at = models.DateTimeField(_("计算时间"), db_index=True)
    window_days = models.PositiveSmallIntegerField(_("统计天数"))
    label = models.CharField(_("关键词"), max_length=200)
    size = models.PositiveIntegerField(_("举报数"))
    fraud_type = models.CharField(_("诈骗类型"), max_length=40, blank=True, choices=FRAUD_TYPES)
    report_ids = models.JSONField(_("举报编号"), default=list)
    examples = models.JSONField(_("示例"), default=list)
    first_seen = models.DateTimeField(_("最早举报"))
    last_seen = models.DateTimeField(_("最近举报"))
    article = models.ForeignKey(
        "content.Article",
        verbose_name=_("案例草稿"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-computed_at", "-size"]
        verbose_name = _("新出现的诈骗话术")
        verbose_name_plural = _("新出现的诈骗话术")

    def __str__(self) -> str:
        return f"{self.label}（{self.size}）"
