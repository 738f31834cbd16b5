from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation
from wanlixing.content.models import Topic


class Collection(models.Model):
    """A set of FAQ entries the advisor answers from (the platform's or an organisation's)."""

    DEFAULT_SLUG = "default"

    slug = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("简介"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("为空表示平台问答库"),
    )
    is_public = models.BooleanField(_("在智能顾问中提供"), default=True)
    include_library = models.BooleanField(
        _("同时检索知识库文章"),
        default=True,
        help_text=_("回答时附上知识库中相关的已发布文章。"),
    )
    # Bumped by every change of its entries: in-memory indexes rebuild on a new value.
    revision = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("问答库")
        verbose_name_plural = _("问答库")

    def __str__(self) -> str:
        return self.name


class FaqEntryQuerySet(models.QuerySet["FaqEntry"]):
    def active(self) -> FaqEntryQuerySet:
        return self.filter(is_active=True)


class FaqEntry(models.Model):
    """A standard question (标准问) with its known phrasings (相似问), answer and source."""

    collection = models.ForeignKey(
        Collection, verbose_name=_("问答库"), on_delete=models.CASCADE, related_name="entries"
    )
    external_id = models.CharField(_("外部编号"), max_length=100)
    question = models.CharField(_("标准问"), max_length=300)
    similar = models.JSONField(_("相似问"), default=list, blank=True)
    answer = models.TextField(_("答案"), blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    topic = models.ForeignKey(
        Topic, verbose_name=_("主题"), on_delete=models.SET_NULL, null=True, blank=True
    )
    is_active = models.BooleanField(_("启用"), default=True)
    promoted_from = models.CharField(
        _("来自人工咨询"), max_length=40, blank=True, help_text=_("由专家答复转成时的工单编号")
    )
    # e5 vectors of [question, *similar] (float16 rows); rebuilt when the phrasings change.
    vectors = models.BinaryField(_("向量"), blank=True, default=b"", editable=False)
    vectors_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = FaqEntryQuerySet.as_manager()

    class Meta:
        ordering = ["collection", "external_id"]
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "external_id"], name="faqentry_unique_external_id"
            )
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def phrasings(self) -> list[str]:
        return [self.question, *[s for s in self.similar if isinstance(s, str) and s.strip()]]


class Synonym(models.Model):
    """A colloquialism or typo and the canonical word it stands for (咋整 → 怎么办)."""

    variant = models.CharField(_("口语或错别字"), max_length=40, unique=True)
    canonical = models.CharField(_("规范说法"), max_length=40)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["variant"]
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")

    def __str__(self) -> str:
        return f"{self.variant} → {self.canonical}"


class Outcome(models.TextChoices):
    LOW = "low", _("把握不大")
    DECLINED = "declined", _("无法回答")
    HANDED_OFF = "handed_off", _("已转人工")


class AskedQuestion(models.Model):
    """A question the advisor could not answer with confidence, kept for the content-gap
    report. Confident answers are not stored. The asker is kept only when signed in
    and consenting to the privacy notice."""

    collection = models.ForeignKey(
        Collection, verbose_name=_("问答库"), on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(_("问题"), max_length=300)
    normalised = models.CharField(_("规范化问题"), max_length=300)
    confidence = models.FloatField(_("把握度"))
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    nearest = models.ForeignKey(
        FaqEntry,
        verbose_name=_("最接近的问题"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提问人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    gap = models.ForeignKey(
        "ContentGap",
        verbose_name=_("内容缺口"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    created_at = models.DateTimeField(_("提问时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("未答好的问题")
        verbose_name_plural = _("未答好的问题")

    def __str__(self) -> str:
        return self.text


class GapStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DONE = "done", _("已补充")
    IGNORED = "ignored", _("忽略")


class ContentGap(models.Model):
    """A cluster of similar unanswered questions: a FAQ entry or article to write next."""

    collection = models.ForeignKey(
        Collection, verbose_name=_("问答库"), on_delete=models.CASCADE, related_name="gaps"
    )
    label = models.CharField(_("代表问题"), max_length=300)
    count = models.PositiveIntegerField(_("提问次数"), default=0)
    declined = models.PositiveIntegerField(_("未能回答次数"), default=0)
    samples = models.JSONField(_("问题示例"), default=list, blank=True)
    nearest = models.ForeignKey(
        FaqEntry,
        verbose_name=_("最接近的现有问题"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=GapStatus.choices, default=GapStatus.OPEN
    )
    first_seen = models.DateTimeField(_("首次出现"))
    last_seen = models.DateTimeField(_("最近出现"))
    refreshed_at = models.DateTimeField(_("统计时间"), auto_now=True)

    class Meta:
        ordering = ["-count", "-last_seen"]
        verbose_name = _("内容缺口")
        verbose_name_plural = _("内容缺口")

    def __str__(self) -> str:
        return f"{self.label} ×{self.count}"
