"""``wanlixing reindexcontent``: rebuild the library's search index from the items."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from wanlixing.content.services import search_index_rebuild


class Command(BaseCommand):
    help = "重建知识库全文检索索引。"

    def handle(self, *args: Any, **options: Any) -> None:
        indexed, removed = search_index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"已索引 {indexed} 条，移除 {removed} 条。"))
