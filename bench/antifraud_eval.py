"""Quality of the scam checker; prints one JSON line.

Sets:
- ``scam_dev_test``: the research set /work/shared/data/scam_dev.jsonl (skipped when
  absent), split 80/20 by a hash of the text; the checker never trains on it, the
  baselines train on the 80 % part. Its fraud texts are generated and its normal texts
  are operator notices, so scores there prove little on their own.
- ``corpus_messages`` / ``corpus_calls``: the project's corpus. For the checker these
  are the grouped out-of-fold figures recorded at training time (near-duplicates never
  straddle folds); the baselines, trained on scam_dev, are scored on the whole corpus.
- ``hard_legit``: hand-written real-style legitimate messages (bank, courier,
  verification codes, anti-fraud warnings, customer-service calls): false-positive rate.

Baselines: character 1–3-gram TF-IDF + logistic regression, and + multinomial naive
Bayes. A text counts as flagged when the verdict is "fraud"; ``*_strict`` figures also
count "suspicious" as flagged.

Usage: .venv/bin/python bench/antifraud_eval.py [--model PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanlixing.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from wanlixing.antifraud.scam.checker import scam_check_many  # noqa: E402
from wanlixing.antifraud.scam.model import MODEL_PATH, model_read  # noqa: E402
from wanlixing.antifraud.scam.training import (  # noqa: E402
    binary_metrics,
    corpus_load,
    ruleset_from_yaml,
)

SCAM_DEV = Path(os.environ.get("SCAM_DEV", "/work/shared/data/scam_dev.jsonl"))
HARD_LEGIT = ROOT / "bench" / "data" / "antifraud_hard_legit.txt"


def in_test_split(text: str) -> bool:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % 5 == 0


def baselines(train_texts, train_y):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline

    def vec():
        return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)

    return {
        "char_lr": make_pipeline(vec(), LogisticRegression(C=10, max_iter=2000)).fit(
            train_texts, train_y
        ),
        "char_nb": make_pipeline(vec(), MultinomialNB(alpha=0.1)).fit(train_texts, train_y),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    model = model_read(args.model)
    rules = ruleset_from_yaml()

    def ours(texts):
        results = scam_check_many([t[:5000] for t in texts], rules=rules, model=model)
        strict = np.array([r.verdict != "safe" for r in results], dtype=int)
        return np.array([r.verdict == "fraud" for r in results], dtype=int), strict

    out: dict = {"model_cv": model.meta.get("cv")}
    corpus = corpus_load()
    sets: dict[str, tuple[list[str], np.ndarray]] = {}
    for kind in ("message", "call"):
        rows = [s for s in corpus if s.source.startswith(kind)]
        if rows:
            sets[f"corpus_{kind}s"] = ([s.text for s in rows], np.array([s.label for s in rows]))
    hard = [line.strip() for line in HARD_LEGIT.read_text().splitlines() if line.strip()]
    sets["hard_legit"] = (hard, np.zeros(len(hard), dtype=int))

    trained = {}
    if SCAM_DEV.exists():
        rows = [json.loads(line) for line in SCAM_DEV.read_text().splitlines() if line.strip()]
        train = [r for r in rows if not in_test_split(r["text"])]
        test = [r for r in rows if in_test_split(r["text"])]
        sets["scam_dev_test"] = (
            [r["text"] for r in test],
            np.array([r["label"] == "fraud" for r in test], dtype=int),
        )
        trained = baselines([r["text"] for r in train], [r["label"] == "fraud" for r in train])
    else:
        out["scam_dev"] = "absent: baselines and scam_dev_test skipped"

    for name, (texts, y) in sets.items():
        entry: dict = {}
        if not name.startswith("corpus_"):
            pred, strict = ours(texts)
            entry["checker"] = binary_metrics(y, pred)
            entry["checker_strict"] = binary_metrics(y, strict)
        for base_name, pipe in trained.items():
            entry[base_name] = binary_metrics(y, pipe.predict(texts).astype(int))
        out[name] = entry
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
