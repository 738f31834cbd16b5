"""Export practice questions to XLSX or CSV in the import layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wanlixing.learning.bank import questions_export_csv, questions_export_xlsx
from wanlixing.learning.models import Question


class Command(BaseCommand):
    help = "导出题目为 XLSX 或 CSV（与导入格式相同）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="以 .xlsx 或 .csv 结尾")
        parser.add_argument("--org", type=int, help="只导出该机构的题目；不填则导出平台题库")
        parser.add_argument("--topic", help="只导出该主题（代码）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        questions = Question.objects.practice().filter(organisation_id=options["org"])
        if options["topic"]:
            questions = questions.filter(topic__slug=options["topic"])
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(questions_export_xlsx(questions))
        elif path.suffix.lower() == ".csv":
            path.write_bytes(questions_export_csv(questions))
        else:
            raise CommandError("文件名应以 .xlsx 或 .csv 结尾。")
        self.stdout.write(self.style.SUCCESS(f"已导出 {questions.count()} 道题到 {path}"))
