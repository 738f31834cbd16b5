"""``wanlixing scamcheck``: check texts from the command line.

``--jsonl`` reads lines ``{"id": ..., "text": ...}`` on stdin and writes one JSON line per
input line: ``{"id", "verdict": fraud|suspicious|safe, "risk", "fraud_type", "signals":
[{"flag", "span": [start, end]}]}``, spans on the original text. A line that cannot be
read gives ``{"id": <id or line number>, "error": {"code", "message"}}`` and the run goes
on. Rules and model load once. On a database that is not migrated (or empty, or not
reachable) the shipped starter red flags are used; nothing is written to it. Without
``--jsonl`` one text (argument or stdin) is checked and explained.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wanlixing.antifraud.scam.checker import CheckInputError, scam_check, text_validate
from wanlixing.antifraud.scam.model import model_get
from wanlixing.antifraud.selectors import redflag_ruleset

logger = logging.getLogger(__name__)


def _error(id_: Any, code: str, message: str) -> str:
    return json.dumps({"id": id_, "error": {"code": code, "message": message}}, ensure_ascii=False)


class Command(BaseCommand):
    help = "检查短信、聊天或通话文字是否像诈骗（--jsonl 批量模式）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", nargs="?", help="要检查的文字（不给则从标准输入读取）")
        parser.add_argument("--jsonl", action="store_true", help="按行读取 JSON，逐行输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        rules = redflag_ruleset()
        model = model_get()
        if options["jsonl"]:
            try:
                self._jsonl(rules, model)
            except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
                sys.stderr.close()
            return
        text = options["text"] if options["text"] is not None else sys.stdin.read()
        try:
            result = scam_check(text_validate(text), rules=rules, model=model)
        except CheckInputError as exc:
            self.stderr.write(exc.message)
            sys.exit(2)
        out = result.as_cli()
        out["signals"] = [
            {
                "flag": s.flag,
                "name": s.name,
                "span": list(s.span),
                "text": text[s.span[0] : s.span[1]],
            }
            for s in result.signals
        ]
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))

    def _jsonl(self, rules: Any, model: Any) -> None:
        write = sys.stdout.write
        for line_no, raw in enumerate(sys.stdin.buffer, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                write(_error(line_no, "bad_encoding", "这一行不是 UTF-8 文字。") + "\n")
                continue
            try:
                item = json.loads(line)
            except ValueError:
                write(_error(line_no, "bad_json", "这一行不是有效的 JSON。") + "\n")
                continue
            if not isinstance(item, dict):
                write(_error(line_no, "bad_json", "每行应是一个 JSON 对象。") + "\n")
                continue
            id_ = item.get("id", line_no)
            try:
                text = text_validate(item.get("text"))
                result = scam_check(text, rules=rules, model=model)
            except CheckInputError as exc:
                write(_error(id_, exc.code, exc.message) + "\n")
                continue
            except Exception:  # one bad line must not end a 10,000-line run
                logger.exception("scamcheck failed on line %s", line_no)
                write(_error(id_, "internal", "这一行检查时出错，已跳过。") + "\n")
                continue
            write(json.dumps({"id": id_, **result.as_cli()}, ensure_ascii=False) + "\n")
        sys.stdout.flush()
