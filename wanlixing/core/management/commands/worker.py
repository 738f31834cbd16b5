"""Run background tasks (the django-tasks database backend's worker)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "运行后台任务（报告生成、模型训练、通知发送等）。参数同 db_worker。"

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("queue_name") == "default":
            options["queue_name"] = "*"
        super().handle(*args, **options)
