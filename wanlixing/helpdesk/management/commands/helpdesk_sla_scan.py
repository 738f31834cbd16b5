"""Queue the help desk's periodic scan (reminders, escalation, auto-close, dashboard counts).

Run every few minutes from cron or a systemd timer: ``wanlixing helpdesk_sla_scan``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wanlixing.helpdesk import services
from wanlixing.helpdesk.tasks import tickets_sla_scan_task


class Command(BaseCommand):
    help = "咨询投诉到期提醒、超期升级、自动关闭，并刷新统计（建议每 5–15 分钟运行一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="在本进程内立即执行，不进入任务队列")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            result = services.tickets_sla_scan()
            result["count_rows"] = services.ticket_counts_refresh()
            self.stdout.write(str(result))
        else:
            tickets_sla_scan_task.enqueue()
            self.stdout.write("已加入任务队列。")
