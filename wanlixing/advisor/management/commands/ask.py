"""``wanlixing ask --collection NAME --jsonl``: answer questions in bulk.

Reads ``{"id": ..., "question": ...}`` lines (stdin or --input) and writes one
``{"id": ..., "answers": [{"external_id": ..., "score": float}, ...], "abstained": bool,
"confidence": float}`` line per question, best answer first, up to 10. Only the
named collection is searched. Models and the index load once per run.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wanlixing.advisor.index import collection_index, ranker
from wanlixing.advisor.models import FaqEntry
from wanlixing.advisor.safety import clean, max_question_chars
from wanlixing.advisor.selectors import collection_find
from wanlixing.advisor.services import collection_vectors_update


class Command(BaseCommand):
    help = "批量提问：从 JSONL 读入问题，输出每个问题的候选答案（external_id 与得分）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--collection", required=True, help="问答库代码或名称")
        parser.add_argument("--jsonl", action="store_true", help="JSONL 输入输出（默认）")
        parser.add_argument("--input", default="-", help="输入文件（默认标准输入）")
        parser.add_argument("--output", default="-", help="输出文件（默认标准输出）")
        parser.add_argument("--top", type=int, default=10, help="每题最多返回的答案数（1–10）")
        parser.add_argument(
            "--threshold", type=float, default=None, help="低于此把握度即弃答（默认取配置）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        collection = collection_find(options["collection"])
        if collection is None:
            raise CommandError(f"问答库不存在：{options['collection']}")
        top = max(1, min(int(options["top"]), 10))
        threshold = options["threshold"]
        if threshold is None:
            threshold = settings.ADVISOR_CONFIDENCE_THRESHOLD
        collection_vectors_update(collection=collection)
        searchable = collection_index(collection)
        external = dict(
            FaqEntry.objects.filter(pk__in=searchable.entry_ids).values_list("pk", "external_id")
        )
        engine = ranker()
        source: IO[str] = (
            sys.stdin if options["input"] == "-" else open(options["input"], encoding="utf-8")  # noqa: SIM115
        )
        sink: Any = (
            self.stdout
            if options["output"] == "-"
            else open(options["output"], "w", encoding="utf-8")  # noqa: SIM115
        )
        limit = max_question_chars()
        try:
            for line in source:
                if not line.strip():
                    continue
                record: dict[str, Any] = {"id": None, "answers": [], "abstained": True}
                try:
                    item = json.loads(line)
                    record["id"] = item.get("id") if isinstance(item, dict) else None
                    question = item.get("question") if isinstance(item, dict) else None
                    if not isinstance(question, str):
                        raise ValueError("missing question")
                except (ValueError, AttributeError):
                    record["error"] = "invalid_line"
                    sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                    continue
                text = clean(question)[: limit * 2]
                if text:
                    result = engine.search(searchable.index, text, k=top)
                    record["answers"] = [
                        {"external_id": external[h.key], "score": round(h.score, 5)}
                        for h in result.hits
                    ]
                    record["confidence"] = round(result.confidence, 5)
                    record["abstained"] = not result.hits or result.confidence < threshold
                else:
                    record["confidence"] = 0.0
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
        finally:
            if sink is not self.stdout:
                sink.close()
            if source is not sys.stdin:
                source.close()
