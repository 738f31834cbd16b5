"""Questionnaires (instruments), their items with skip logic, and responses."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation
from wanlixing.outreach.models import Audience, Campaign, Event, Registration


class InstrumentKind(models.TextChoices):
    PRE_TEST = "pre-test", _("知识前测")
    POST_TEST = "post-test", _("知识后测")
    SATISFACTION = "satisfaction", _("满意度调查")
    FOLLOW_UP = "follow-up", _("30天回访")
    CUSTOM = "custom", _("自定义问卷")


KNOWLEDGE_KINDS = frozenset({InstrumentKind.PRE_TEST, InstrumentKind.POST_TEST})


class LiteracyFormChoice(models.TextChoices):
    A = "A", _("A卷")
    B = "B", _("B卷")


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    scale: bool  # 1–5 rating (mean, share ≥4) or yes/no (rate)
    group: str  # satisfaction | behaviour | risk


METRICS: dict[str, Metric] = {
    m.code: m
    for m in [
        Metric("satisfaction", "总体满意度", True, "satisfaction"),
        Metric("usefulness", "内容有用程度", True, "satisfaction"),
        Metric("clarity", "讲解清楚程度", True, "satisfaction"),
        Metric("recommend", "愿意推荐给亲友", False, "satisfaction"),
        Metric("installed_antifraud_app", "安装“国家反诈中心”App", False, "behaviour"),
        Metric("checked_loan_rate", "借款前核算真实年化利率", False, "behaviour"),
        Metric("shared_knowledge", "向家人朋友转述所学", False, "behaviour"),
        Metric("refused_suspicious", "遇到可疑请求时拒绝并核实", False, "risk"),
    ]
}
METRIC_CHOICES = [(m.code, m.label) for m in METRICS.values()]


class Instrument(models.Model):
    """A questionnaire: built from items, or a knowledge test using a literacy form.

    Pre- and post-tests use the learning part's parallel literacy forms (A before,
    B after) instead of their own items.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruments",
        help_text=_("为空表示平台模板"),
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("所属活动"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruments",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=InstrumentKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    intro = models.TextField(_("说明"), blank=True)
    literacy_form = models.CharField(
        _("测评试卷"), max_length=1, choices=LiteracyFormChoice.choices, blank=True
    )
    is_template = models.BooleanField(_("模板"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    allow_anonymous = models.BooleanField(
        _("允许不填参与码"),
        default=False,
        help_text=_("不填参与码的答卷无法与前测、后测、回访关联，只计入非配对统计。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind"],
                condition=models.Q(kind__in=["pre-test", "post-test"], is_active=True),
                name="one_active_knowledge_test_per_campaign",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/surveys/{self.pk}/"

    @property
    def is_knowledge_test(self) -> bool:
        return self.kind in KNOWLEDGE_KINDS


class ItemKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    SCALE = "scale", _("1–5分量表")
    TEXT = "text", _("填空")


class SkipOperator(models.TextChoices):
    IS = "is", _("等于")
    IS_NOT = "is-not", _("不等于")


SCALE_MIN, SCALE_MAX = 1, 5


class Item(models.Model):
    """One question. ``show_if_*`` makes it conditional on an earlier item's answer."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("题序"))
    key = models.SlugField(_("代码"), max_length=40)
    kind = models.CharField(_("题型"), max_length=10, choices=ItemKind.choices)
    text = models.CharField(_("题目"), max_length=300)
    help = models.CharField(_("提示"), max_length=200, blank=True)
    options = models.JSONField(_("选项"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    show_if_key = models.SlugField(
        _("显示条件：题目代码"), max_length=40, blank=True, help_text=_("为空表示总是显示")
    )
    show_if_operator = models.CharField(
        _("显示条件：关系"), max_length=8, choices=SkipOperator.choices, default=SkipOperator.IS
    )
    show_if_value = models.PositiveSmallIntegerField(
        _("显示条件：选项序号或分值"),
        null=True,
        blank=True,
        help_text=_("选择题填选项序号（从1开始），量表题填分值"),
    )
    metric = models.CharField(_("统计指标"), max_length=32, choices=METRIC_CHOICES, blank=True)
    positive_options = models.JSONField(
        _("计为“是”的选项"),
        default=list,
        blank=True,
        help_text=_("是/否类指标：哪些选项（序号从1开始）计为“是”"),
    )

    class Meta:
        ordering = ["instrument", "position"]
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="item_key_once"),
            models.UniqueConstraint(fields=["instrument", "position"], name="item_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class ResponseSource(models.TextChoices):
    ONLINE = "online", _("线上作答")
    PAPER = "paper", _("纸质问卷录入")


class Response(models.Model):
    """One filled-in questionnaire. One per participant code and instrument."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    audience = models.CharField(max_length=20, choices=Audience.choices, blank=True)
    answers = models.JSONField(_("回答"), default=dict)
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=8, choices=ResponseSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "registration"],
                condition=models.Q(registration__isnull=False),
                name="response_once_per_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}/{self.pk}"


class Measure(models.Model):
    """One statistical value read from a response (a rating or a yes/no), for the dashboards."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="measures")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    audience = models.CharField(max_length=20, blank=True)
    metric = models.CharField(max_length=32, choices=METRIC_CHOICES)
    value = models.FloatField()

    class Meta:
        verbose_name = _("统计值")
        verbose_name_plural = _("统计值")
        indexes = [models.Index(fields=["campaign", "metric"])]

    def __str__(self) -> str:
        return f"{self.metric}={self.value}"


class KnowledgeGain(models.Model):
    """A participant's knowledge-test scores before and after (0–100).

    Rows with both scores pair; rows from answers without a participant code hold
    one score and feed only the unpaired comparison.
    """

    registration = models.OneToOneField(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="knowledge_gain",
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    audience = models.CharField(max_length=20, blank=True)
    pre_score = models.PositiveSmallIntegerField(_("前测得分"), null=True, blank=True)
    post_score = models.PositiveSmallIntegerField(_("后测得分"), null=True, blank=True)

    class Meta:
        verbose_name = _("知识测试成绩")
        verbose_name_plural = _("知识测试成绩")
        indexes = [models.Index(fields=["campaign"])]

    def __str__(self) -> str:
        return f"{self.pre_score}→{self.post_score}"
