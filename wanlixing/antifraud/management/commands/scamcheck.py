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
from collections.abc import Iterator
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandParser

from wanlixing.antifraud.scam.checker import (
    CheckInputError,
    CheckResult,
    scam_check,
    scam_check_many,
    text_validate,
)
from wanlixing.antifraud.scam.model import model_get
from wanlixing.antifraud.selectors import redflag_ruleset

logger = logging.getLogger(__name__)

# Lines checked together (the model scores a batch at once); answers are written and
# flushed after each batch. A batch never waits for lines that have not arrived.
BATCH_LINES = 256
READ_BYTES = 1 << 16


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
        line_no = 0
        for batch in line_batches(sys.stdin.buffer):
            out: list[str | None] = []
            texts: list[tuple[int, Any, str]] = []  # (position in out, id, text)
            for raw in batch:
                line_no += 1
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    out.append(_error(line_no, "bad_encoding", "这一行不是 UTF-8 文字。"))
                    continue
                try:
                    item = json.loads(line)
                except ValueError:
                    out.append(_error(line_no, "bad_json", "这一行不是有效的 JSON。"))
                    continue
                if not isinstance(item, dict):
                    out.append(_error(line_no, "bad_json", "每行应是一个 JSON 对象。"))
                    continue
                id_ = item.get("id", line_no)
                try:
                    text = text_validate(item.get("text"))
                except CheckInputError as exc:
                    out.append(_error(id_, exc.code, exc.message))
                    continue
                texts.append((len(out), id_, text))
                out.append(None)
            for position, line in zip(
                (p for p, _i, _t in texts), _check_lines(texts, rules, model), strict=True
            ):
                out[position] = line
            write("".join(f"{line}\n" for line in out))
            sys.stdout.flush()


def line_batches(stream: BinaryIO) -> Iterator[list[bytes]]:
    """Lines of ``stream`` (without their ``\\n``), in batches of at most ``BATCH_LINES``.

    A batch holds the lines already available: it never waits for more input while
    complete lines are there to answer, so a caller that writes one line and waits for
    its answer gets it at once, and a file or a fast pipe is read in full batches.
    """
    # read1: what is there (one read of the pipe), never waiting to fill the size.
    read = getattr(stream, "read1", stream.read)
    pending: list[bytes] = []
    while True:
        chunk = read(READ_BYTES)
        if not chunk:
            break
        pending.append(chunk)
        if b"\n" not in chunk:
            continue
        lines = b"".join(pending).split(b"\n")
        tail = lines.pop()  # the start of a line still arriving, or b""
        pending = [tail] if tail else []
        for start in range(0, len(lines), BATCH_LINES):
            yield lines[start : start + BATCH_LINES]
    if pending:
        yield [b"".join(pending)]


def _check_lines(texts: list[tuple[int, Any, str]], rules: Any, model: Any) -> list[str]:
    """Output lines for valid texts: checked together, or one by one when that fails,
    so that one line the checker cannot handle gives an ``internal`` error on its own."""
    if not texts:
        return []
    try:
        results = scam_check_many([t for _p, _i, t in texts], rules=rules, model=model)
        return [_result(id_, result) for (_p, id_, _t), result in zip(texts, results, strict=True)]
    except Exception:  # find the culprit below
        if len(texts) == 1:
            logger.exception("scamcheck failed on a line")
            return [_error(texts[0][1], "internal", "这一行检查时出错，已跳过。")]
    lines: list[str] = []
    for item in texts:
        lines.extend(_check_lines([item], rules, model))
    return lines


def _result(id_: Any, result: CheckResult) -> str:
    return json.dumps({"id": id_, **result.as_cli()}, ensure_ascii=False)
