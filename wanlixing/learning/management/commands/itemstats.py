"""Recompute item statistics (facility, discrimination) now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from wanlixing.learning.itemstats import item_statistics_refresh


class Command(BaseCommand):
    help = "立即重新计算题目统计（答对率、区分度）。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = item_statistics_refresh()
        self.stdout.write(self.style.SUCCESS(f"已更新 {count} 道题的统计。"))
