"""FAQ import and export: JSONL, CSV and XLSX.

Columns (CSV/XLSX header, English or Chinese): external_id/编号, question/标准问,
similar/相似问, answer/答案, source/来源, tags/标签, topic/主题. In CSV and XLSX
cells, similar questions are separated by new lines or "|", tags by "," "，" or "|".

Re-importing updates entries by external_id. Every row is checked first; if any
row is bad, nothing is imported and the report lists each problem by row.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from wanlixing.content.models import Topic

from .models import Collection, FaqEntry

FORMATS = ("jsonl", "csv", "xlsx")
COLUMNS = ["external_id", "question", "similar", "answer", "source", "tags", "topic"]
HEADER_ALIASES = {
    "external_id": "external_id",
    "id": "external_id",
    "编号": "external_id",
    "外部编号": "external_id",
    "question": "question",
    "标准问": "question",
    "问题": "question",
    "similar": "similar",
    "similar_questions": "similar",
    "相似问": "similar",
    "answer": "answer",
    "答案": "answer",
    "source": "source",
    "来源": "source",
    "tags": "tags",
    "标签": "tags",
    "topic": "topic",
    "主题": "topic",
}
MAX_ROWS = 100_000
MAX_SIMILAR = 200
_SIMILAR_SPLIT = re.compile(r"\r?\n|\|")
_TAG_SPLIT = re.compile(r"[,，|;；\s]+")


@dataclass
class RowError:
    row: int  # 1-based data row (a CSV/XLSX header is row 0)
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        where = _("第 %(row)d 行") % {"row": self.row} if self.row else _("文件")
        return f"{where} {self.field}：{self.message}" if self.field else f"{where}：{self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "errors": [e.as_dict() for e in self.errors],
        }


class FileFormatError(ValueError):
    """The file as a whole cannot be read (wrong format, broken encoding)."""


def format_for(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in FORMATS:
        return suffix
    raise FileFormatError(_("不支持的文件类型：请上传 .jsonl、.csv 或 .xlsx 文件。"))


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileFormatError(_("无法识别文件编码，请保存为 UTF-8。"))


def _rows_jsonl(data: bytes) -> Iterator[tuple[int, Any]]:
    for n, line in enumerate(_text(data).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError:
            yield n, ValueError(_("不是有效的 JSON。"))


def _table_rows(
    header: list[Any], body: Iterable[tuple[int, list[Any]]]
) -> Iterator[tuple[int, Any]]:
    keys = [HEADER_ALIASES.get(str(h or "").strip().lower()) for h in header]
    if "external_id" not in keys or "question" not in keys:
        raise FileFormatError(_("表头必须包含 external_id（编号）和 question（标准问）两列。"))
    for n, values in body:
        if not any(str(v or "").strip() for v in values):
            continue
        row: dict[str, Any] = {}
        for key, value in zip(keys, values, strict=False):
            if key is None:
                continue
            value = "" if value is None else str(value)
            if key == "similar":
                row[key] = [s.strip() for s in _SIMILAR_SPLIT.split(value) if s.strip()]
            elif key == "tags":
                row[key] = [t.strip() for t in _TAG_SPLIT.split(value) if t.strip()]
            else:
                row[key] = value.strip()
        yield n, row


def _rows_csv(data: bytes) -> Iterator[tuple[int, Any]]:
    reader = csv.reader(io.StringIO(_text(data)))
    try:
        header = next(reader)
    except StopIteration:
        return
    yield from _table_rows(header, ((n, r) for n, r in enumerate(reader, start=1)))


def _rows_xlsx(data: bytes) -> Iterator[tuple[int, Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileFormatError(_("无法读取 Excel 文件，请确认是 .xlsx 格式。")) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = list(next(rows))
    except StopIteration:
        return
    yield from _table_rows(header, ((n, list(r)) for n, r in enumerate(rows, start=1)))


def _str_list(value: Any) -> list[str] | None:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    return None


def _check(n: int, raw: Any, topics: dict[str, Topic], errors: list[RowError]) -> dict | None:
    if isinstance(raw, Exception):
        errors.append(RowError(n, "", str(raw)))
        return None
    if not isinstance(raw, dict):
        errors.append(RowError(n, "", _("每行应是一个对象（JSON object）。")))
        return None
    bad = len(errors)
    ext = raw.get("external_id")
    ext = str(ext).strip() if isinstance(ext, str | int) and not isinstance(ext, bool) else ""
    if not ext:
        errors.append(RowError(n, "external_id", _("缺少编号。")))
    elif len(ext) > 100:
        errors.append(RowError(n, "external_id", _("编号不能超过 100 个字符。")))
    question = raw.get("question")
    question = question.strip() if isinstance(question, str) else ""
    if not question:
        errors.append(RowError(n, "question", _("缺少标准问。")))
    elif len(question) > 300:
        errors.append(RowError(n, "question", _("标准问不能超过 300 个字。")))
    similar = _str_list(raw.get("similar"))
    if similar is None:
        errors.append(RowError(n, "similar", _("相似问应是文字列表。")))
    elif len(similar) > MAX_SIMILAR:
        errors.append(RowError(n, "similar", _("相似问不能超过 %(n)d 条。") % {"n": MAX_SIMILAR}))
    elif any(len(s) > 300 for s in similar):
        errors.append(RowError(n, "similar", _("每条相似问不能超过 300 个字。")))
    fields: dict[str, str] = {}
    for key, limit in (("answer", 10_000), ("source", 300)):
        value = raw.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.append(RowError(n, key, _("应是文字。")))
        elif len(value) > limit:
            errors.append(RowError(n, key, _("不能超过 %(n)d 个字。") % {"n": limit}))
        else:
            fields[key] = value.strip()
    tags = _str_list(raw.get("tags"))
    if tags is None or (tags and (len(tags) > 30 or any(len(t) > 40 for t in tags))):
        errors.append(
            RowError(n, "tags", _("标签应是文字列表（最多 30 个，每个不超过 40 个字）。"))
        )
    topic_slug = raw.get("topic") or ""
    topic = None
    if topic_slug:
        topic = topics.get(str(topic_slug).strip())
        if topic is None:
            errors.append(
                RowError(n, "topic", _("未知的主题代码：%(slug)s。") % {"slug": topic_slug})
            )
    if len(errors) > bad:
        return None
    return {
        "external_id": ext,
        "question": question,
        "similar": [s for s in dict.fromkeys(similar or []) if s != question],
        "answer": fields["answer"],
        "source": fields["source"],
        "tags": tags or [],
        "topic": topic,
    }


def rows_read(data: bytes, fmt: str) -> Iterator[tuple[int, Any]]:
    if fmt == "jsonl":
        return _rows_jsonl(data)
    if fmt == "csv":
        return _rows_csv(data)
    if fmt == "xlsx":
        return _rows_xlsx(data)
    raise FileFormatError(_("不支持的文件类型：请上传 .jsonl、.csv 或 .xlsx 文件。"))


def faq_import(
    *,
    collection: Collection,
    data: bytes,
    fmt: str,
    deactivate_missing: bool = False,
) -> ImportReport:
    """Check every row, then create or update entries by external_id in one transaction.

    Vectors are not computed here: call ``collection_vectors_update`` (CLI) or let
    the background task do it (web).
    """
    report = ImportReport()
    topics = {t.slug: t for t in Topic.objects.all()}
    clean: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    try:
        for n, raw in rows_read(data, fmt):
            if len(clean) + len(report.errors) >= MAX_ROWS:
                report.errors.append(RowError(n, "", _("行数超过上限 %(n)d。") % {"n": MAX_ROWS}))
                break
            row = _check(n, raw, topics, report.errors)
            if row is None:
                continue
            if row["external_id"] in seen:
                report.errors.append(
                    RowError(
                        n,
                        "external_id",
                        _("编号 %(id)s 与第 %(row)d 行重复。")
                        % {"id": row["external_id"], "row": seen[row["external_id"]]},
                    )
                )
                continue
            seen[row["external_id"]] = n
            clean.append((n, row))
    except FileFormatError as exc:
        report.errors.append(RowError(0, "", str(exc)))
    if not report.errors and not clean:
        report.errors.append(RowError(0, "", _("文件中没有任何问答。")))
    if report.errors:
        return report

    from .services import collection_touch

    with transaction.atomic():
        existing = {e.external_id: e for e in FaqEntry.objects.filter(collection=collection)}
        to_create, to_update = [], []
        for _n, row in clean:
            entry = existing.get(row["external_id"])
            if entry is None:
                to_create.append(FaqEntry(collection=collection, **row))
                continue
            changed = False
            for key in ("question", "similar", "answer", "source", "tags", "topic"):
                if getattr(entry, key) != row[key]:
                    setattr(entry, key, row[key])
                    changed = True
            if not entry.is_active:
                entry.is_active, changed = True, True
            if changed:
                to_update.append(entry)
            else:
                report.unchanged += 1
        FaqEntry.objects.bulk_create(to_create, batch_size=500)
        FaqEntry.objects.bulk_update(
            to_update,
            ["question", "similar", "answer", "source", "tags", "topic", "is_active"],
            batch_size=500,
        )
        report.created, report.updated = len(to_create), len(to_update)
        if deactivate_missing:
            report.deactivated = (
                FaqEntry.objects.filter(collection=collection, is_active=True)
                .exclude(external_id__in=seen)
                .update(is_active=False)
            )
        if report.created or report.updated or report.deactivated:
            collection_touch(collection=collection)
    return report


def _entry_row(entry: FaqEntry) -> dict[str, Any]:
    return {
        "external_id": entry.external_id,
        "question": entry.question,
        "similar": list(entry.similar),
        "answer": entry.answer,
        "source": entry.source,
        "tags": list(entry.tags),
        "topic": entry.topic.slug if entry.topic else "",
    }


def faq_export(*, collection: Collection, fmt: str, out: IO[bytes]) -> int:
    """Write the collection's active entries; returns how many."""
    entries = (
        FaqEntry.objects.active()
        .filter(collection=collection)
        .select_related("topic")
        .order_by("external_id")
    )
    rows = [_entry_row(e) for e in entries]
    if fmt == "jsonl":
        for row in rows:
            out.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
    elif fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(
                [
                    row["external_id"],
                    row["question"],
                    "\n".join(row["similar"]),
                    row["answer"],
                    row["source"],
                    ",".join(row["tags"]),
                    row["topic"],
                ]
            )
        out.write(text.getvalue().encode("utf-8-sig"))
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("FAQ")
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append(
                [
                    row["external_id"],
                    row["question"],
                    "\n".join(row["similar"]),
                    row["answer"],
                    row["source"],
                    ",".join(row["tags"]),
                    row["topic"],
                ]
            )
        book.save(out)
    else:
        raise FileFormatError(fmt)
    return len(rows)
