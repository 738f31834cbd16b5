"""Send notifications that are due again: retries, the end of quiet hours, lost claims.

With the database task backend retries are also scheduled directly; this command is
the safety net, and the only retry path for backends that cannot defer tasks. Run it
every few minutes from cron or a systemd timer: ``wanlixing notifications_retry``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wanlixing.alerts.tasks import deliveries_retry_due_task


class Command(BaseCommand):
    help = "重试到期的通知（失败重试、免打扰结束后补发）。建议每 5 分钟运行一次。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="在本进程内立即执行，不进入任务队列")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            count = deliveries_retry_due_task.call()
            self.stdout.write(f"已处理 {count} 条。")
        else:
            deliveries_retry_due_task.enqueue()
            self.stdout.write("已加入任务队列。")
