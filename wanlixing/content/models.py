from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wanlixing.accounts.models import Organisation, Segment


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


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__lte=timezone.now())


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
    video_file = models.FileField(_("视频文件"), upload_to="videos/%Y/%m/", blank=True)
    video_url = models.URLField(_("视频链接"), blank=True)
    transcript = models.TextField(_("文字稿"), blank=True)

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
