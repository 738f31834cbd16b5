"""``wanlixing scam train`` (the checker's model) and ``wanlixing scam clusters``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "反诈检测：训练模型（train）、聚类近期举报（clusters）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="用项目自己的标注语料训练模型（可复现）")
        train.add_argument("--corpus", type=Path, default=None, help="语料目录")
        train.add_argument("--out", type=Path, default=None, help="模型文件路径")
        clusters = sub.add_parser("clusters", help="对近期举报聚类，找出新话术")
        clusters.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "train":
            from wanlixing.antifraud.scam import training
            from wanlixing.antifraud.scam.model import model_forget

            kwargs: dict[str, Any] = {}
            if options["corpus"]:
                kwargs["corpus_dir"] = options["corpus"]
            if options["out"]:
                kwargs["out_path"] = options["out"]
            try:
                report = training.model_train(**kwargs)
            except (ValueError, FileNotFoundError) as exc:
                raise CommandError(f"训练失败：{exc}") from exc
            model_forget()
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            from wanlixing.antifraud.services import emerging_scripts_compute

            if not 1 <= options["days"] <= 365:
                raise CommandError("--days 应在 1 到 365 之间。")
            found = emerging_scripts_compute(days=options["days"])
            for script in found:
                self.stdout.write(f"{script.size:4d}  {script.fraud_type or '-'}  {script.label}")
            self.stdout.write(f"共 {len(found)} 组相似举报。")
