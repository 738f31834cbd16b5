"""Throughput of the scam checker's CLI path in one process; prints one JSON line.

Runs ``wanlixing scamcheck --jsonl`` in-process on N lines (default 10,000) cycled from
the project's message corpus, and reports messages per second (model and rules loaded
once, as in the CLI; the load time is reported separately). Wall-clock and CPU-time
rates are both given: on a shared machine the wall-clock figure mostly measures the
other processes (see ``load_average_1m``).

Usage: .venv/bin/python bench/antifraud_throughput.py [N]
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanlixing.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from wanlixing.antifraud.scam.model import model_get  # noqa: E402
from wanlixing.antifraud.scam.training import corpus_load  # noqa: E402
from wanlixing.antifraud.selectors import redflag_ruleset  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    texts = [s.text for s in corpus_load() if not s.source.startswith("call")]
    lines = [
        json.dumps({"id": i, "text": texts[i % len(texts)]}, ensure_ascii=False) for i in range(n)
    ]
    payload = ("\n".join(lines) + "\n").encode()

    started = time.perf_counter()
    redflag_ruleset()
    model_get()
    load_seconds = time.perf_counter() - started

    stdin, stdout = sys.stdin, sys.stdout
    sys.stdin = io.TextIOWrapper(io.BytesIO(payload), encoding="utf-8")
    sys.stdout = io.StringIO()
    try:
        started = time.perf_counter()
        cpu_started = time.process_time()
        call_command("scamcheck", jsonl=True)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        produced = sys.stdout.getvalue().count("\n")
    finally:
        sys.stdin, sys.stdout = stdin, stdout
    print(
        json.dumps(
            {
                "messages": n,
                "outputs": produced,
                "seconds": round(seconds, 3),
                "messages_per_second": round(n / seconds, 1),
                "cpu_seconds": round(cpu_seconds, 3),
                "messages_per_cpu_second": round(n / cpu_seconds, 1),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "mean_chars": round(sum(len(t) for t in texts) / len(texts), 1),
                "load_seconds": round(load_seconds, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
