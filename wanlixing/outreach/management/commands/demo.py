"""``wanlixing demo --participants N``: build a demo campaign; prints its identifier last."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wanlixing.outreach.demo import demo_campaign_build


class Command(BaseCommand):
    help = "生成一个演示活动（活动、报名签到、前后测、回访、志愿者），最后一行输出活动代码。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=1000, help="参与人数")
        parser.add_argument("--events", type=int, default=None, help="活动场次（默认人数÷5）")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--slug", default="", help="活动代码（默认自动生成）")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        participants = options["participants"]
        if participants < 10 or participants > 5_000_000:
            raise CommandError("--participants 应在 10 到 5000000 之间。")
        started = time.monotonic()
        campaign = demo_campaign_build(
            participants=participants,
            events=options["events"],
            seed=options["seed"],
            slug=options["slug"],
            progress=not options["no_progress"],
        )
        from wanlixing.insights.services import facts_refresh

        facts_refresh(campaign_id=campaign.pk)
        self.stderr.write(
            f"已生成演示活动“{campaign.name}”（{participants} 人，"
            f"{campaign.events.count()} 场，用时 {time.monotonic() - started:.1f} 秒）。"
        )
        self.stdout.write(campaign.slug)
