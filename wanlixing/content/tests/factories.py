from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from wanlixing.content.models import Article, ArticleKind, ArticleStatus, Topic


class ArticleFactory(DjangoModelFactory):
    """A published platform article (not indexed; use ``publish_indexed`` for search)."""

    class Meta:
        model = Article

    kind = ArticleKind.ARTICLE
    slug = factory.Sequence(lambda n: f"item-{n}")
    title = factory.Sequence(lambda n: f"测试条目{n}")
    summary = "一段摘要。"
    body = "## 小标题\n\n正文内容。"
    source = "《存款保险条例》"
    topic = factory.LazyFunction(lambda: Topic.objects.get(slug="deposit-insurance"))
    status = ArticleStatus.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    organisation = None


class DraftFactory(ArticleFactory):
    status = ArticleStatus.DRAFT
    published_at = factory.LazyFunction(lambda: None)


class CaseFactory(ArticleFactory):
    kind = ArticleKind.CASE
    story = "王阿姨接到一个自称客服的电话。"
    red_flags = ["自称客服要求转账", "要求屏幕共享"]
    what_to_do = ["挂断电话", "拨打官方客服核实"]
