"""The platform's inventory: published library items, questions and quizzes, per topic."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from wanlixing.content.models import Article, Topic
from wanlixing.learning.selectors import bank_counts


def platform_inventory() -> dict[str, Any]:
    published = Article.objects.published()
    kinds = dict(published.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    per_topic_kind: dict[tuple[str, str], int] = {
        (slug, kind): n
        for slug, kind, n in published.values("topic__slug", "kind")
        .annotate(n=Count("id"))
        .values_list("topic__slug", "kind", "n")
    }
    bank = bank_counts()
    topics = []
    for topic in Topic.objects.order_by("position"):
        topics.append(
            {
                "slug": topic.slug,
                "name": topic.name,
                "articles": per_topic_kind.get((topic.slug, "article"), 0),
                "cases": per_topic_kind.get((topic.slug, "case"), 0),
                "videos": per_topic_kind.get((topic.slug, "video"), 0),
                "questions": bank["questions_by_topic"].get(topic.slug, 0),
                "quizzes": bank["quizzes_by_topic"].get(topic.slug, 0),
            }
        )
    return {
        "articles": kinds.get("article", 0),
        "cases": kinds.get("case", 0),
        "videos": kinds.get("video", 0),
        "questions": bank["questions"],
        "practice_questions": bank["practice_questions"],
        "literacy_items": bank["literacy_items"],
        "quizzes": bank["quizzes"],
        "topics": topics,
    }


class Command(BaseCommand):
    help = "平台内容清单：已发布的文章、案例、视频，题目与测验数量（含分主题）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="输出一行 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        data = platform_inventory()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            f"文章 {data['articles']}  案例 {data['cases']}  视频 {data['videos']}  "
            f"题目 {data['questions']}（测评题 {data['literacy_items']}）  测验 {data['quizzes']}"
        )
        for t in data["topics"]:
            self.stdout.write(
                f"  {t['name']:<10} 文章 {t['articles']:>3}  案例 {t['cases']:>3}  "
                f"视频 {t['videos']:>3}  题目 {t['questions']:>4}  测验 {t['quizzes']:>2}"
            )
