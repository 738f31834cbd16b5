from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from wanlixing.content.models import Article, Topic
from wanlixing.learning.models import Question, Quiz


def topic(slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    kind = "article"
    slug = factory.Sequence(lambda n: f"article-{n}")
    title = factory.Sequence(lambda n: f"测试文章{n}")
    source = "测试来源"
    topic = factory.LazyFunction(lambda: Topic.objects.get(slug="credit-report"))
    status = "published"
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    key = factory.Sequence(lambda n: f"q-{n:04d}")
    kind = "single"
    stem = factory.Sequence(lambda n: f"第{n}道测试题的题干？")
    options = factory.LazyFunction(lambda: ["甲", "乙", "丙", "丁"])
    correct = factory.LazyFunction(lambda: [1])
    explanation = "因为乙是对的。"
    topic = factory.LazyFunction(lambda: Topic.objects.get(slug="credit-report"))
    difficulty = 1
    source = "测试来源"


class QuizFactory(DjangoModelFactory):
    class Meta:
        model = Quiz

    slug = factory.Sequence(lambda n: f"quiz-{n}")
    title = factory.Sequence(lambda n: f"测验{n}")
    topic = factory.LazyFunction(lambda: Topic.objects.get(slug="credit-report"))
    kind = "ladder"
    question_count = 5
    levels = 5
