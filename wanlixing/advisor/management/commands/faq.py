"""``wanlixing faq import FILE --collection NAME`` and ``wanlixing faq export``."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wanlixing.advisor.importing import FileFormatError, faq_export, faq_import, format_for
from wanlixing.advisor.models import Collection
from wanlixing.advisor.selectors import collection_find, slug_is_valid
from wanlixing.advisor.services import collection_vectors_update


class Command(BaseCommand):
    help = "导入或导出常见问题（JSONL、CSV、XLSX）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入问答文件（按 external_id 新增或更新）")
        imp.add_argument("file")
        imp.add_argument("--collection", required=True, help="问答库代码或名称（不存在则新建）")
        imp.add_argument("--format", choices=["jsonl", "csv", "xlsx"], default=None)
        imp.add_argument(
            "--deactivate-missing", action="store_true", help="停用文件中没有的已有问答"
        )
        imp.add_argument("--json", action="store_true", help="以 JSON 输出导入报告")
        exp = sub.add_parser("export", help="导出问答库")
        exp.add_argument("file", help="输出文件（- 表示标准输出，JSONL）")
        exp.add_argument("--collection", required=True)
        exp.add_argument("--format", choices=["jsonl", "csv", "xlsx"], default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        else:
            self._export(options)

    def _collection(self, name: str, *, create: bool) -> Collection:
        collection = collection_find(name)
        if collection is not None:
            return collection
        if not create:
            raise CommandError(f"问答库不存在：{name}")
        digest = hashlib.sha256(name.encode()).hexdigest()[:10]
        slug = name if slug_is_valid(name) else f"c-{digest}"
        return Collection.objects.create(slug=slug, name=name[:100], is_public=False)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            fmt = options["format"] or format_for(path.name)
        except FileFormatError as exc:
            raise CommandError(str(exc)) from exc
        collection = self._collection(options["collection"], create=True)
        report = faq_import(
            collection=collection,
            data=path.read_bytes(),
            fmt=fmt,
            deactivate_missing=options["deactivate_missing"],
        )
        if not report.ok:
            if options["json"]:
                self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            for error in report.errors[:200]:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：{len(report.errors)} 处错误，未导入任何内容。")
        self.stderr.write("计算语义向量 …")
        computed = collection_vectors_update(collection=collection)
        if options["json"]:
            self.stdout.write(
                json.dumps(report.as_dict() | {"vectors": computed}, ensure_ascii=False)
            )
        else:
            self.stdout.write(
                f"已导入到 {collection.slug}：新增 {report.created}，更新 {report.updated}，"
                f"未变 {report.unchanged}，停用 {report.deactivated}。"
            )

    def _export(self, options: dict[str, Any]) -> None:
        collection = self._collection(options["collection"], create=False)
        target = options["file"]
        if target == "-":
            count = faq_export(collection=collection, fmt="jsonl", out=sys.stdout.buffer)
        else:
            try:
                fmt = options["format"] or format_for(target)
            except FileFormatError as exc:
                raise CommandError(str(exc)) from exc
            with open(target, "wb") as fh:
                count = faq_export(collection=collection, fmt=fmt, out=fh)
        self.stderr.write(f"已导出 {count} 条问答。")
