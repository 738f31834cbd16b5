"""Risk alerts, notification preferences and the send log (one row per user × channel × key)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation, Segment


class FraudType(models.TextChoices):
    """Slugs of docs/CONTENT_SPEC.md (FACTS.md §8 plus the campaign's extras)."""

    BRUSHING = "brushing", _("刷单返利")
    FAKE_INVESTMENT = "fake-investment", _("虚假网络投资理财")
    FAKE_LOAN = "fake-loan", _("虚假网络贷款")
    FAKE_CUSTOMER_SERVICE = "fake-customer-service", _("冒充电商物流客服")
    IMPERSONATE_AUTHORITY = "impersonate-authority", _("冒充公检法及政府机关")
    FAKE_CREDIT_REPORT = "fake-credit-report", _("虚假征信（注销账户/影响征信）")
    FAKE_SHOPPING = "fake-shopping", _("虚假购物服务")
    IMPERSONATE_ACQUAINTANCE = "impersonate-acquaintance", _("冒充领导熟人")
    GAME_TRADE = "game-trade", _("网络游戏产品虚假交易")
    ROMANCE = "romance", _("网络婚恋交友（杀猪盘）")
    ILLEGAL_FUNDRAISING = "illegal-fundraising", _("非法集资（含养老投资骗局）")
    PREDATORY_LOAN = "predatory-loan", _("套路贷/校园贷")
    CREDIT_REPAIR = "credit-repair", _("征信修复")
    OTHER = "other", _("其他")


class Severity(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


class AlertStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class ChannelCode(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信模板消息")


PUSH_CHANNELS = (ChannelCode.EMAIL, ChannelCode.SMS, ChannelCode.WECHAT)


class AlertQuerySet(models.QuerySet["Alert"]):
    def live(self) -> AlertQuerySet:
        now = timezone.now()
        return self.filter(status=AlertStatus.PUBLISHED, published_at__lte=now).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class Alert(models.Model):
    """A risk alert: what scam is going round, what to watch for, what to do, for whom."""

    fraud_type = models.CharField(_("诈骗类型"), max_length=32, choices=FraudType.choices)
    title = models.CharField(_("标题"), max_length=80)
    watch_for = models.TextField(_("需要警惕什么"))
    what_to_do = models.TextField(_("应该怎么做"))
    severity = models.CharField(
        _("风险等级"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM
    )
    segments = models.ManyToManyField(
        Segment, verbose_name=_("面向群体"), blank=True, help_text=_("不选表示所有人")
    )
    channels = models.JSONField(
        _("推送渠道"), default=list, blank=True, help_text=_("站内消息总会发送")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("发布机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        help_text=_("为空表示平台发布"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=40, default="manual")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    fanout_finished_at = models.DateTimeField(_("推送完成时间"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-pk"]
        verbose_name = _("风险提示")
        verbose_name_plural = _("风险提示")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/alerts/{self.pk}/"

    @property
    def region_codes(self) -> list[str]:
        return [r.region_code for r in self.regions.all()]


class AlertRegion(models.Model):
    """A region an alert targets (any level of GB/T 2260); none means nationwide."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="regions")
    region_code = models.CharField(_("地区代码"), max_length=6, db_index=True)

    class Meta:
        verbose_name = _("提示地区")
        verbose_name_plural = _("提示地区")
        constraints = [
            models.UniqueConstraint(fields=["alert", "region_code"], name="alert_region_once")
        ]

    def __str__(self) -> str:
        return self.region_code


class AlertCount(models.Model):
    """Running totals per alert and channel, bumped as deliveries change state."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="counts")
    channel = models.CharField(max_length=8, choices=ChannelCode.choices)
    targeted = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0)
    clicked = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("提示推送统计")
        verbose_name_plural = _("提示推送统计")
        constraints = [
            models.UniqueConstraint(fields=["alert", "channel"], name="alert_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.channel}"


class NotificationPreference(models.Model):
    """How a person wants to be told: channels, quiet hours, or not at all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(_("电子邮件"), default=False)
    sms_enabled = models.BooleanField(_("短信"), default=False)
    wechat_enabled = models.BooleanField(_("微信"), default=False)
    wechat_openid = models.CharField(_("微信 OpenID"), max_length=64, blank=True)
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    opted_out = models.BooleanField(_("不接收任何通知"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return str(self.user_id)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    DEFERRED = "deferred", _("免打扰时段，稍后发送")
    RETRY = "retry", _("失败，等待重试")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("未发送")


class Delivery(models.Model):
    """The send log: one notification to one person over one channel.

    ``key`` names what it is about (``alert:42``, ``ticket:AB12:reply:7``); the
    unique (key, user, channel) constraint makes every send happen at most once.
    In-app deliveries are the person's inbox.
    """

    key = models.CharField(_("幂等键"), max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=ChannelCode.choices)
    kind = models.CharField(_("类别"), max_length=24)
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    provider_id = models.CharField(_("服务商消息编号"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("打开时间"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("点击时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知发送记录")
        verbose_name_plural = _("通知发送记录")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "user", "channel"], name="delivery_once_per_key_user_channel"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["user", "channel", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.user_id} ({self.channel})"
