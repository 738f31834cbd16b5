"""``wanlixing export CAMPAIGN --what scores --out FILE.csv``: participant codes and scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wanlixing.insights.services import campaign_find, scores_export_csv


class Command(BaseCommand):
    help = (
        "导出知识测试成绩：participant_code,pre_score,post_score（只有参与码，没有姓名或手机号）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="活动代码（slug）或编号")
        parser.add_argument("--what", choices=["scores"], default="scores")
        parser.add_argument("--out", required=True, help="输出 CSV 文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = campaign_find(options["campaign"])
        if campaign is None:
            raise CommandError(f"没有找到活动：{options['campaign']}")
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="", encoding="utf-8") as handle:
            count = scores_export_csv(campaign=campaign, scope=None, out=handle)
        self.stdout.write(f"已导出 {count} 行到 {out}")
