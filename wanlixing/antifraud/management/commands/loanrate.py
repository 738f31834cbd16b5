"""``wanlixing loanrate --json``: one JSON loan description on stdin → one JSON answer.

Fields per method are documented in ``wanlixing.antifraud.loan`` and
docs/readme/antifraud.md. Rates in the answer are fractions (0.128 = 12.8%).
Bad input prints ``{"error": {"code", "message", "field"}}`` and exits with status 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from wanlixing.antifraud.loan import LoanInputError


class Command(BaseCommand):
    help = "计算贷款真实年化利率（IRR 法）：--json 从标准输入读取一个 JSON 对象。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="从标准输入读 JSON，输出 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        from wanlixing.antifraud.services import loan_rate_assess

        raw = sys.stdin.read()
        try:
            data = json.loads(raw)
        except ValueError:
            self._fail("bad_json", "输入不是有效的 JSON。", None)
        try:
            out = loan_rate_assess(data if isinstance(data, dict) else {})
        except LoanInputError as exc:
            self._fail("invalid", exc.message, exc.field)
        except DatabaseError:  # no database: the rates still answer, the cap is left out
            from wanlixing.antifraud.loan import loan_rate

            out = loan_rate(data).as_dict()
            out["cap"] = None
        if options["json"]:
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(
                f"名义年化（单利）{out['apr_nominal'] * 100:.2f}%  "
                f"实际年化（复利）{out['apr_effective'] * 100:.2f}%  "
                f"总成本 {out['total_cost']:.2f} 元\n"
            )

    def _fail(self, code: str, message: str, field: str | None) -> NoReturn:
        sys.stdout.write(
            json.dumps(
                {"error": {"code": code, "message": message, "field": field}}, ensure_ascii=False
            )
            + "\n"
        )
        sys.exit(2)
