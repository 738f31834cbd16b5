"""Load the starter question bank (questions/*.yaml, literacy.yaml, risk_profile.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wanlixing.learning.apps import STARTER_DIR
from wanlixing.learning.bank import StarterError, starter_load


class Command(BaseCommand):
    help = "加载题库 YAML（按编号更新，先全部校验，有错则一道也不写入）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", nargs="?", default=str(STARTER_DIR))

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        if not directory.is_dir():
            raise CommandError(f"目录不存在：{directory}")
        try:
            counts = starter_load(directory, stdout=self.stdout)
        except StarterError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(f"发现 {len(exc.problems)} 处问题，未写入任何题目。") from None
        self.stdout.write(
            self.style.SUCCESS(
                "新增 {created}，更新 {updated}，未变化 {unchanged}；测评题 {literacy_items}；"
                "新建测验 {quizzes_created}；提示 {warnings}。".format(**counts)
            )
        )
