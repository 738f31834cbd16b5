"""Advisor retrieval quality on a same-intent test built from AFQMC dev (research data).

The collection is every distinct second question of the dev pairs (one standard
question per entry, no phrasings: the hardest case); the queries are the first
questions of the same-intent pairs, whose gold answer is their partner. Two
lexical baselines run in the same process on the same collection:
BM25 over jieba tokens and TF-IDF over character 1–2 grams.

Abstention: the same queries are asked again with their gold entry removed;
a good system declines those and answers the others.

``--shards N`` splits the file into N collections by the second question (so a
larger file, e.g. AFQMC train, gives N FAQ-sized collections of a few thousand
entries and many more queries: a tighter estimate than dev's 1,335).

Prints one JSON line. Skips (prints {"skipped": ...}) when the data is absent.
Usage: python bench/advisor_eval.py [--threshold 0.5] [--limit N] [--data F --shards N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = Path("/work/shared/data/afqmc_dev.jsonl")
CACHE = ROOT / "var" / "bench" / "advisor-e5-cache.npz"


def metrics(ranked: list[list[int]], gold: list[int]) -> dict[str, float]:
    top1 = mrr = 0.0
    for order, g in zip(ranked, gold, strict=True):
        if order and order[0] == g:
            top1 += 1
        for r, e in enumerate(order[:10]):
            if e == g:
                mrr += 1 / (r + 1)
                break
    n = max(len(gold), 1)
    return {"top1": round(top1 / n, 4), "mrr10": round(mrr / n, 4)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--model-dir", default=None)
    parser.add_argument("--shards", type=int, default=1)
    args = parser.parse_args()
    path = Path(args.data)
    if not path.exists():
        print(json.dumps({"skipped": f"{path} not found"}))
        return

    import jieba

    from wanlixing.advisor.retrieval import ranker as ranker_mod
    from wanlixing.advisor.retrieval.lexical import SparseIndex, top_k
    from wanlixing.advisor.retrieval.normalise import (
        Normaliser,
        char_ngrams,
        read_synonym_file,
    )
    from wanlixing.advisor.retrieval.training import EmbeddingCache

    jieba.setLogLevel(60)
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    started = time.perf_counter()
    normaliser = Normaliser(read_synonym_file())
    cache = EmbeddingCache(CACHE)
    ranker = ranker_mod.Ranker(Path(args.model_dir)) if args.model_dir else ranker_mod.Ranker()
    threshold = args.threshold
    if threshold is None:
        threshold = 0.45  # the default ADVISOR_CONFIDENCE_THRESHOLD
    gold: list[int] = []
    base_bm25: list[list[int]] = []
    base_tfidf: list[list[int]] = []
    dense_only: list[list[int]] = []
    system: list[list[int]] = []
    conf_in: list[float] = []
    conf_out: list[float] = []
    entries = 0
    for shard in range(args.shards):
        part = [r for r in rows if zlib.crc32(r["q2"].encode()) % args.shards == shard]
        collection = sorted({r["q2"] for r in part})
        entries += len(collection)
        position = {q: i for i, q in enumerate(collection)}
        queries = [
            (r["q1"], position[r["q2"]]) for r in part if r["same"] and r["q1"] not in position
        ]
        if args.limit:
            queries = queries[: args.limit]
        # Entry positions are offset per shard so that gold and hits stay comparable.
        offset = entries - len(collection)
        gold += [g + offset for _q, g in queries]

        def shifted(order: list[int], offset: int = offset) -> list[int]:
            return [e + offset for e in order]

        bm25 = SparseIndex([jieba.lcut(c) for c in collection], k1=1.5, b=0.75)
        tfidf = SparseIndex([char_ngrams(c.lower()) for c in collection], scheme="tfidf")
        base_bm25 += [shifted(top_k(bm25.scores(jieba.lcut(q)), 10).tolist()) for q, _g in queries]
        base_tfidf += [
            shifted(top_k(tfidf.scores(char_ngrams(q.lower())), 10).tolist()) for q, _g in queries
        ]
        norm_coll = [normaliser(c) for c in collection]
        coll_vecs = cache.get(norm_coll)
        index = ranker_mod.CollectionIndex(
            [(i, [c]) for i, c in enumerate(collection)], normaliser, vectors=coll_vecs
        )
        qvecs = cache.get([normaliser(q) for q, _g in queries])
        for (q, g), v in zip(queries, qvecs, strict=True):
            dense_only.append(shifted(top_k(coll_vecs @ v, 10).tolist()))
            res = ranker.search(index, q, k=10, qvec=v)
            system.append(shifted([h.entry for h in res.hits]))
            conf_in.append(res.confidence)
            out = ranker.search(index, q, k=10, qvec=v, exclude=[g])
            conf_out.append(out.confidence)

    b1, b2, sysm = metrics(base_bm25, gold), metrics(base_tfidf, gold), metrics(system, gold)
    e5 = metrics(dense_only, gold)
    best_top1 = max(b1["top1"], b2["top1"])
    best_mrr = max(b1["mrr10"], b2["mrr10"])
    correct = np.asarray([bool(o) and o[0] == g for o, g in zip(system, gold, strict=True)])
    ci, co = np.asarray(conf_in), np.asarray(conf_out)
    answered = ci >= threshold
    print(
        json.dumps(
            {
                "data": path.name,
                "shards": args.shards,
                "entries": entries,
                "queries": len(gold),
                "system": sysm,
                "e5_only": e5,
                "bm25_jieba": b1,
                "tfidf_char12": b2,
                "ratio_top1": round(sysm["top1"] / best_top1, 3) if best_top1 else None,
                "ratio_mrr10": round(sysm["mrr10"] / best_mrr, 3) if best_mrr else None,
                "e5_ratio_top1": round(e5["top1"] / best_top1, 3) if best_top1 else None,
                "e5_ratio_mrr10": round(e5["mrr10"] / best_mrr, 3) if best_mrr else None,
                "threshold": threshold,
                "declined_when_answerable": round(float((~answered).mean()), 4),
                "declined_when_correct": round(float((~answered[correct]).mean()), 4)
                if correct.any()
                else None,
                "declined_when_wrong": round(float((~answered[~correct]).mean()), 4)
                if (~correct).any()
                else None,
                "declined_when_gold_removed": round(float((co < threshold).mean()), 4),
                "top1_when_answered": round(float(correct[answered].mean()), 4)
                if answered.any()
                else None,
                "seconds": round(time.perf_counter() - started, 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
