"""Throughput of the scam checker's CLI path in one process; prints one JSON line.

Runs ``wanlixing scamcheck --jsonl`` in-process on N lines (default 10,000) cycled from
the project's message corpus, R times (default 3), and reports messages per second
(model and rules loaded once, as in the CLI; the load time is reported separately).
Wall-clock and CPU-time (``time.process_time``) rates are both given, as the median
and the best of the R runs: on a shared machine the wall-clock figure mostly measures
the other processes (see ``load_average_1m``, read before and after), while messages
per CPU-second is what the checker itself costs.

Usage: .venv/bin/python bench/antifraud_throughput.py [N] [--repeat R]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
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


def run_once(payload: bytes) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, output lines) of one CLI run over ``payload``."""
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
    return seconds, cpu_seconds, produced


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.n
    texts = [s.text for s in corpus_load() if not s.source.startswith("call")]
    lines = [
        json.dumps({"id": i, "text": texts[i % len(texts)]}, ensure_ascii=False) for i in range(n)
    ]
    payload = ("\n".join(lines) + "\n").encode()

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    redflag_ruleset()
    model_get()
    load_seconds = time.perf_counter() - started

    runs = [run_once(payload) for _ in range(max(1, args.repeat))]
    wall = [n / seconds for seconds, _cpu, _out in runs]
    cpu = [n / cpu_seconds for _s, cpu_seconds, _out in runs]
    print(
        json.dumps(
            {
                "messages": n,
                "outputs": min(out for _s, _c, out in runs),
                "runs": len(runs),
                "seconds": round(statistics.median(s for s, _c, _o in runs), 3),
                "messages_per_second": round(statistics.median(wall), 1),
                "messages_per_second_best": round(max(wall), 1),
                "cpu_seconds": round(statistics.median(c for _s, c, _o in runs), 3),
                "messages_per_cpu_second": round(statistics.median(cpu), 1),
                "messages_per_cpu_second_best": round(max(cpu), 1),
                "cpu_microseconds_per_message": round(1e6 / statistics.median(cpu), 1),
                "load_average_1m_before": round(load_before, 2),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "cpus": os.cpu_count(),
                "mean_chars": round(sum(len(t) for t in texts) / len(texts), 1),
                "load_seconds": round(load_seconds, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
