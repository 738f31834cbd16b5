"""``wanlixing report CAMPAIGN --format html|pdf|xlsx|json --out PATH``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wanlixing.insights.models import ReportFormat
from wanlixing.insights.services import (
    campaign_find,
    campaign_report_data,
    campaign_report_render,
)


class Command(BaseCommand):
    help = "生成活动总结报告（整个活动，含所有机构；不含任何个人信息）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="活动代码（slug）或编号")
        parser.add_argument("--format", choices=ReportFormat.values, default="html")
        parser.add_argument("--out", required=True, help="输出文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = campaign_find(options["campaign"])
        if campaign is None:
            raise CommandError(f"没有找到活动：{options['campaign']}")
        data = campaign_report_data(campaign=campaign, scope=None)
        content = campaign_report_render(data=data, fmt=options["format"], campaign=campaign)
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
        self.stdout.write(f"已写入 {out}（{len(content):,} 字节）")
