"""The consumer help desk: routing rules, tickets, replies, attachments, audit log, counts."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation


class Category(models.TextChoices):
    DEPOSIT_CARD = "deposit-card", _("银行卡/存款")
    LOAN_CREDIT_CARD = "loan-credit-card", _("贷款/信用卡")
    WEALTH_FUND = "wealth-fund", _("理财/基金")
    INSURANCE = "insurance", _("保险理赔/退保")
    PAYMENT = "payment", _("支付/网络支付")
    CREDIT_REPORT = "credit-report", _("征信异议")
    FRAUD = "fraud", _("电信诈骗/被骗")
    ILLEGAL_FUNDRAISING = "illegal-fundraising", _("非法集资")
    DEBT_COLLECTION = "debt-collection", _("催收骚扰")
    PERSONAL_INFO = "personal-info", _("个人信息泄露")
    OTHER = "other", _("其他")


class InstitutionType(models.TextChoices):
    BANK = "bank", _("银行")
    INSURER = "insurer", _("保险公司")
    SECURITIES = "securities", _("证券、基金、期货机构")
    PAYMENT = "payment", _("支付机构")
    LENDER = "lender", _("贷款机构（消费金融公司、小额贷款公司、网贷平台等）")
    OTHER = "other", _("其他（商家、不知道是什么机构等）")


class Channel(models.TextChoices):
    """Where a problem goes after (or instead of) the institution itself; see routing.py."""

    INSTITUTION = "institution", _("向涉及的机构投诉")
    NFRA_12378 = "12378", _("12378 银行保险消费者投诉维权热线")
    PBOC_12363 = "12363", _("12363 中国人民银行金融消费权益保护咨询投诉电话")
    CSRC_12386 = "12386", _("12386 中国证监会服务平台")
    SAMR_12315 = "12315", _("12315 市场监管投诉举报")
    POLICE_110 = "110", _("110 报警")
    ANTIFRAUD_96110 = "96110", _("96110 反诈预警劝阻专线")
    FUNDRAISING_OFFICE = "fundraising-office", _("当地处置非法集资牵头部门或公安机关")
    CREDIT_OBJECTION = "credit-objection", _("征信异议（征信中心或报送信息的机构）")


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉")


class Status(models.TextChoices):
    NEW = "new", _("新提交")
    ASSIGNED = "assigned", _("已分派")
    IN_PROGRESS = "in_progress", _("处理中")
    WAITING = "waiting", _("等待您补充")
    RESOLVED = "resolved", _("已答复/已解决")
    CLOSED = "closed", _("已关闭")
    ESCALATED = "escalated", _("已升级")


# Statuses in which the handling organisation still owes the citizen an answer.
OPEN_STATUSES = (
    Status.NEW,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.WAITING,
    Status.ESCALATED,
)
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)


class Source(models.TextChoices):
    WEB = "web", _("网页")
    ADVISOR = "advisor", _("智能顾问转人工")
    API = "api", _("App/接口")


class RoutingRule(models.Model):
    """Category × institution type × region → handling organisation and external channel.

    Blank ``institution_type`` matches any type, blank ``region_code`` is nationwide.
    The most specific rule wins: county before city before province before nationwide,
    then a named institution type before "any".
    """

    category = models.CharField(_("问题类别"), max_length=24, choices=Category.choices)
    institution_type = models.CharField(
        _("机构类型"), max_length=12, choices=InstitutionType.choices, blank=True
    )
    region_code = models.CharField(
        _("地区代码"), max_length=6, blank=True, help_text=_("为空表示全国")
    )
    channel = models.CharField(_("外部渠道"), max_length=24, choices=Channel.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("在线受理机构"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        help_text=_("为空表示平台上没有在线受理机构，只给出渠道指引"),
    )
    note = models.TextField(_("补充说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["category", "institution_type", "region_code"]
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "institution_type", "region_code"],
                name="helpdesk_rule_unique_scope",
            )
        ]

    def __str__(self) -> str:
        scope = self.region_code or _("全国")
        kind = self.institution_type or _("任意")
        return f"{self.get_category_display()} / {kind} / {scope}"


def _new_reference() -> str:
    return secrets.token_hex(5).upper()


class TicketQuerySet(models.QuerySet["Ticket"]):
    def open(self) -> TicketQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Ticket(models.Model):
    """A consultation or complaint filed by a citizen (or handed over by the AI advisor)."""

    reference = models.CharField(
        _("编号"), max_length=12, unique=True, default=_new_reference, editable=False
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="helpdesk_tickets",
    )
    category = models.CharField(_("问题类别"), max_length=24, choices=Category.choices)
    institution_name = models.CharField(_("涉及机构名称"), max_length=100, blank=True)
    institution_type = models.CharField(
        _("涉及机构类型"), max_length=12, choices=InstitutionType.choices, blank=True
    )
    description = models.TextField(_("事情经过"))
    desired_outcome = models.TextField(_("您的诉求"), blank=True)
    region_code = models.CharField(_("所在地区"), max_length=6, blank=True, db_index=True)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.WEB)
    context = models.JSONField(_("转入上下文"), default=dict, blank=True)

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("受理机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="helpdesk_tickets",
        help_text=_("为空表示等待平台分派"),
    )
    rule = models.ForeignKey(
        RoutingRule, verbose_name=_("分派规则"), on_delete=models.SET_NULL, null=True, blank=True
    )
    channel = models.CharField(_("建议外部渠道"), max_length=24, choices=Channel.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="helpdesk_assigned",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )

    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    sla_days = models.PositiveSmallIntegerField(_("处理时限（天）"))
    due_at = models.DateTimeField(_("答复期限"), db_index=True)
    reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    rating = models.PositiveSmallIntegerField(_("满意度（1–5）"), null=True, blank=True)
    rating_comment = models.TextField(_("评价"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    erased_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("咨询投诉单")
        verbose_name_plural = _("咨询投诉单")
        indexes = [models.Index(fields=["organisation", "status", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="helpdesk_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return f"/help/my/{self.reference}/"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.now() > self.due_at

    def get_staff_url(self) -> str:
        return f"/help/staff/tickets/{self.reference}/"


class MessageKind(models.TextChoices):
    REPLY = "reply", _("回复")
    NOTE = "note", _("内部备注")
    EVENT = "event", _("处理记录")


class TicketMessageQuerySet(models.QuerySet["TicketMessage"]):
    def visible_to_citizen(self) -> TicketMessageQuerySet:
        return self.filter(kind__in=(MessageKind.REPLY, MessageKind.EVENT))

    def expert_replies(self) -> TicketMessageQuerySet:
        return self.filter(kind=MessageKind.REPLY, from_staff=True)


class TicketMessage(models.Model):
    """A reply (seen by the citizen), an internal note (staff only) or a handling event."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("类型"), max_length=8, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_staff = models.BooleanField(_("工作人员"), default=False)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = TicketMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("答复与备注")
        verbose_name_plural = _("答复与备注")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class Attachment(models.Model):
    """A file the citizen or staff attached; its type is read from the content, not the name."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_staff = models.BooleanField(default=False)
    file = models.FileField(_("文件"), upload_to="helpdesk/%Y/%m/")
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    original_name = models.CharField(_("原文件名"), max_length=120)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class AccessAction(models.TextChoices):
    VIEW = "view", _("查看")
    REVEAL_CONTACT = "reveal_contact", _("查看联系方式")
    DOWNLOAD = "download", _("下载附件")


class TicketAccess(models.Model):
    """Audit log: every time staff open a ticket (who, when, which ticket, how)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=16, choices=AccessAction.choices)
    via = models.CharField(_("途径"), max_length=8, default="web")
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.ticket_id}"


class TicketDailyCount(models.Model):
    """Pre-aggregated ticket figures per day of filing, for the dashboards.

    Rebuilt by ``ticket_counts_refresh``; holds no personal data, so erasing a
    citizen's tickets leaves these numbers intact.
    """

    day = models.DateField(_("日期"), db_index=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    category = models.CharField(max_length=24, choices=Category.choices)
    institution_type = models.CharField(max_length=12, choices=InstitutionType.choices, blank=True)
    city_code = models.CharField(max_length=6, blank=True)
    opened = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    overdue_open = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("每日咨询投诉统计")
        verbose_name_plural = _("每日咨询投诉统计")

    def __str__(self) -> str:
        return f"{self.day} {self.category} {self.opened}"
