from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "wanlixing.content"
    label = "content"
    verbose_name = _("知识库")
    starter_order = 10

    def ready(self) -> None:
        from wanlixing.core import panels

        from .views import home_panel

        panels.register("home", "library", order=30, render=home_panel)

    def load_starter_data(self, stdout: Any) -> None:
        """Load the starter library (idempotent); invalid files stop with a report."""
        from django.core.management.base import CommandError

        from .starter import starter_import, starter_read

        result = starter_read()
        if result.errors:
            for line in result.errors:
                stdout.write(f"  · {line}")
            raise CommandError("知识库初始内容有误，未导入。")
        report = starter_import(result.items)
        stdout.write(
            f"知识库：新增 {report.created} 条，更新 {report.updated} 条，"
            f"未变化 {report.unchanged} 条。"
        )
