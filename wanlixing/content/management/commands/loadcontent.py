"""``wanlixing loadcontent``: load the starter library (idempotent, all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from wanlixing.content.starter import STARTER_DIR, starter_import, starter_read


class Command(BaseCommand):
    help = "加载知识库初始内容（按网址代码更新，可重复运行；任何一条有误则全部不导入）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path", type=Path, default=STARTER_DIR, help="内容目录（含 INDEX.yaml）"
        )
        parser.add_argument("--check", action="store_true", help="只检查，不导入")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        root: Path = options["path"]
        if not (root / "articles").is_dir() and not (root / "cases").is_dir():
            raise CommandError(f"找不到内容目录：{root}（应包含 articles/ 或 cases/）")
        result = starter_read(root)
        if result.errors:
            self.stderr.write(f"发现 {len(result.errors)} 处问题，未导入任何内容：")
            for line in result.errors:
                self.stderr.write(f"  · {line}")
            raise CommandError("请修正以上问题后重新运行。")
        self.stdout.write(f"检查通过：共 {len(result.items)} 条。")
        if options["check"]:
            return
        show = options["verbosity"] > 0 and not options["no_progress"]
        with tqdm(
            total=len(result.items), desc="导入", unit="条", disable=not show, file=self.stderr
        ) as bar:
            report = starter_import(result.items, progress=lambda item: bar.update(1))
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增 {report.created} 条，更新 {report.updated} 条，"
                f"未变化 {report.unchanged} 条。"
            )
        )
