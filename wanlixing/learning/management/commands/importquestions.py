"""Import a question spreadsheet (XLSX or CSV) into the bank, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wanlixing.accounts.models import Organisation
from wanlixing.learning.bank import questions_import


class Command(BaseCommand):
    help = "导入题目表格（XLSX/CSV）；任何一行出错则不导入，并列出行号、列和原因。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--org", help="机构 id 或名称；不填则导入平台题库")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        organisation = None
        if options["org"]:
            value = options["org"]
            lookup = {"pk": int(value)} if value.isdigit() else {"name": value}
            organisation = Organisation.objects.filter(**lookup).first()
            if organisation is None:
                raise CommandError(f"没有这个机构：{value}")
        report = questions_import(
            name=path.name, content=path.read_bytes(), organisation=organisation
        )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"第{error.row}行 [{error.column or '-'}] {error.message}")
            raise CommandError(f"发现 {len(report.errors)} 处问题，未导入任何题目。")
        self.stdout.write(
            self.style.SUCCESS(
                f"导入成功：新增 {report.created}，更新 {report.updated}，"
                f"未变化 {report.unchanged}。"
            )
        )
