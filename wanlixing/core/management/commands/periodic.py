"""Enqueue the periodic jobs that are due (for cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wanlixing.core import periodic


class Command(BaseCommand):
    help = "把到期的定时任务加入后台任务队列（可由 cron/systemd 定时器每分钟调用）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="列出已注册的定时任务")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in periodic.jobs():
                self.stdout.write(f"{job.name}\t每 {job.every_seconds} 秒")
            return
        names = periodic.run_due()
        self.stdout.write("已加入队列：" + ("、".join(names) if names else "无"))
