"""``wanlixing rewards rebuild`` and ``wanlixing rewards badges``."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wanlixing.rewards.services import badges_evaluate_all, rewards_rebuild


class Command(BaseCommand):
    help = "积分与激励：rebuild 从积分记录重算汇总与排行榜；badges 为满足条件的用户颁发徽章。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser(
            "rebuild", help="从积分记录重算每位用户的积分概况、连续天数和每周排行榜（可重复运行）"
        )
        rebuild.add_argument("--batch-size", type=int, default=500)
        rebuild.add_argument("--no-badges", action="store_true", help="重算后不检查徽章")
        sub.add_parser("badges", help="检查所有用户的徽章（新增或修改徽章规则后运行）")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["action"] == "rebuild":
            report = rewards_rebuild(batch_size=max(1, options["batch_size"]))
            figures: dict[str, Any] = {
                "users": report.users,
                "profiles_changed": report.profiles_changed,
                "weeks_created": report.weeks_created,
                "weeks_updated": report.weeks_updated,
                "weeks_deleted": report.weeks_deleted,
            }
            if not options["no_badges"]:
                figures["badges_awarded"] = badges_evaluate_all()
            self.stdout.write(f"重算完成：{report.users} 位用户，{report.changed} 行有变化。")
        else:
            figures = {"badges_awarded": badges_evaluate_all()}
            self.stdout.write(f"徽章检查完成：新颁发 {figures['badges_awarded']} 枚。")
        figures["seconds"] = round(time.perf_counter() - started, 3)
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
