from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation, Segment

from .validators import validate_video_file


class Topic(models.Model):
    """A campaign theme (存款与存款保险, 电信网络诈骗, …); slugs are in docs/CONTENT_SPEC.md."""

    slug = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    description = models.TextField(_("简介"), blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("主题")
        verbose_name_plural = _("主题")

    def __str__(self) -> str:
        return self.name


class ArticleKind(models.TextChoices):
    ARTICLE = "article", _("科普文章")
    CASE = "case", _("典型案例")
    VIDEO = "video", _("视频")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("审核中")
    PUBLISHED = "published", _("已发布")
    ARCHIVED = "archived", _("已归档")


# Paths under /library/ that are pages, not items.
RESERVED_SLUGS = frozenset({"search", "topics", "versions", "api"})


def _clean_list(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str) and v.strip()]


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        """What citizens see: approved items whose publish time has come."""
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self) -> ArticleQuerySet:
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__gt=timezone.now())


class Article(models.Model):
    """An item of the knowledge library: an article, a case or a video."""

    kind = models.CharField(_("类型"), max_length=10, choices=ArticleKind.choices)
    slug = models.SlugField(_("网址代码"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文（Markdown）"), blank=True)
    source = models.CharField(_("来源"), max_length=300)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="articles")
    audiences = models.ManyToManyField(Segment, verbose_name=_("受众"), blank=True)
    regions = models.JSONField(_("适用地区"), default=list, blank=True)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    # Cases: what happened, the red flags, what to do.
    story = models.TextField(_("案情"), blank=True)
    red_flags = models.JSONField(_("风险信号"), default=list, blank=True)
    what_to_do = models.JSONField(_("应对方法"), default=list, blank=True)
    # Videos: an uploaded file or an external link, always with a transcript.
    video_file = models.FileField(
        _("视频文件"),
        upload_to="videos/%Y/%m/",
        blank=True,
        validators=[validate_video_file],
        help_text=_("MP4 或 WebM 格式"),
    )
    video_url = models.URLField(_("视频链接"), blank=True)
    transcript = models.TextField(_("文字稿"), blank=True)
    facts = models.JSONField(
        _("事实依据"), default=list, blank=True, help_text=_("FACTS.md 中的条目编号")
    )

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("为空表示平台内容"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("知识库条目")
        verbose_name_plural = _("知识库条目")
        indexes = [models.Index(fields=["status", "kind", "topic"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/library/{self.slug}/"

    def clean(self) -> None:
        """The shape every kind needs: cases tell a story with red flags and advice,
        videos have a file or a link and a transcript."""
        errors: dict[str, Any] = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("该网址代码为系统保留，请换一个。")
        if self.kind == ArticleKind.ARTICLE and not self.body.strip():
            errors["body"] = _("科普文章需要填写正文。")
        if self.kind == ArticleKind.CASE:
            if not self.story.strip():
                errors["story"] = _("典型案例需要填写案情。")
            if not _clean_list(self.red_flags):
                errors["red_flags"] = _("典型案例至少需要一条风险信号。")
            if not _clean_list(self.what_to_do):
                errors["what_to_do"] = _("典型案例至少需要一条应对方法。")
        if self.kind == ArticleKind.VIDEO:
            if not self.video_file and not self.video_url:
                errors["video_file"] = _("视频需要上传文件或填写视频链接（二选一）。")
            elif self.video_file and self.video_url:
                errors["video_url"] = _("上传了视频文件就不要再填写视频链接（二选一）。")
            if not self.transcript.strip():
                errors["transcript"] = _("视频必须附文字稿，方便听障人士和长辈阅读。")
        for field in ("keywords", "red_flags", "what_to_do", "regions"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[field] = _("格式不正确：应为文字列表。")
        if isinstance(self.regions, list) and "regions" not in errors:
            from wanlixing.accounts.regions import region_is_valid

            bad = [code for code in self.regions if not region_is_valid(code)]
            if bad:
                errors["regions"] = _("地区代码无效：%(codes)s（应为6位行政区划代码）。") % {
                    "codes": "、".join(bad)
                }
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )


class ArticleVersion(models.Model):
    """An immutable snapshot of an item as it was approved for publication."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=120)
    snapshot = models.JSONField(_("内容快照"))
    digest = models.CharField(_("内容摘要值"), max_length=64)
    published_at = models.DateTimeField(_("发布时间"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("发布版本")
        verbose_name_plural = _("发布版本")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A published version is a record of what citizens read: it never changes.
        if not self._state.adding:
            raise ValueError("ArticleVersion is immutable")
        super().save(*args, **kwargs)


class ReviewAction(models.TextChoices):
    CREATED = "created", _("创建")
    EDITED = "edited", _("修改")
    SUBMITTED = "submitted", _("提交审核")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("退回修改")
    ARCHIVED = "archived", _("归档")
    REVISED = "revised", _("撤回修订")
    IMPORTED = "imported", _("导入发布")


class ReviewLogEntry(models.Model):
    """Who did what to an item, and when (the editorial audit trail)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_log")
    action = models.CharField(_("操作"), max_length=12, choices=ReviewAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("意见"), blank=True)
    version = models.ForeignKey(
        ArticleVersion, verbose_name=_("版本"), on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self) -> str:
        return f"{self.article_id} {self.action}"


class SearchDocument(models.Model):
    """Per-item statistics for BM25: the weighted lengths of the indexed text."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="search_doc")
    word_length = models.FloatField(default=0)
    gram_length = models.FloatField(default=0)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("检索文档")
        verbose_name_plural = _("检索文档")

    def __str__(self) -> str:
        return f"{self.article_id}"


class SearchTerm(models.Model):
    """Inverted index row: a term (jieba word, or ``~`` + character bigram) in an item."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="search_terms")
    term = models.CharField(max_length=64)
    weight = models.FloatField()

    class Meta:
        verbose_name = _("检索词")
        verbose_name_plural = _("检索词")
        constraints = [
            models.UniqueConstraint(fields=["term", "article"], name="search_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.term} @ {self.article_id}"
