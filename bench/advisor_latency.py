"""Advisor latency and memory on a 10,000-entry collection.

Entries are 10,000 distinct questions from AFQMC train (research data, used here
only to measure); queries are 500 questions from AFQMC dev, embedded at query
time like a live request. Reports per-question p50/p95 of the full retrieval
(normalise, embed, five channels, features, re-rank, calibrate), the index build
time, and the process's peak RSS. Vectors of the collection are cached in
var/bench so a re-run measures the index, not the embedding of 10k texts.

Prints one JSON line; {"skipped": ...} when the data is absent.
"""

from __future__ import annotations

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


def main() -> None:
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
    ranker = Ranker()
    ranker.search(index, "预热", k=10)  # load the model once, as a running server has
    dense.embed_one("预热一下")
    timings, embed_ms = [], []
    for q in queries:
        t0 = time.perf_counter()
        ranker.search(index, q, k=10)
        timings.append((time.perf_counter() - t0) * 1000)
        t1 = time.perf_counter()
        dense.embed([normaliser(q) + "。"])  # the same question's embedding alone, uncached
        embed_ms.append((time.perf_counter() - t1) * 1000)
    ms = np.asarray(timings)
    em = np.asarray(embed_ms)
    print(
        json.dumps(
            {
                "entries": len(texts),
                "queries": len(queries),
                "p50_ms": round(float(np.percentile(ms, 50)), 1),
                "p95_ms": round(float(np.percentile(ms, 95)), 1),
                "max_ms": round(float(ms.max()), 1),
                "embed_p50_ms": round(float(np.percentile(em, 50)), 1),
                "embed_p95_ms": round(float(np.percentile(em, 95)), 1),
                "load_average": round(os.getloadavg()[0], 2),
                "index_build_s": round(build_seconds, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
