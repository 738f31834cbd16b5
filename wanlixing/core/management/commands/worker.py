"""Run background tasks (the django-tasks database backend's worker)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "运行后台任务（报告生成、模型训练、通知发送等）。参数同 db_worker。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--no-periodic", action="store_true", help="不在本进程内调度定时任务")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("queue_name") == "default":
            options["queue_name"] = "*"
        if not options.pop("no_periodic", False):
            from wanlixing.core.periodic import start_scheduler_thread

            start_scheduler_thread()
        super().handle(*args, **options)
